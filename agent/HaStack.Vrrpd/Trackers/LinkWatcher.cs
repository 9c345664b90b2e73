using System.Buffers.Binary;
using HaStack.Vrrpd.Linux;

namespace HaStack.Vrrpd.Trackers;

/// <summary>
/// Follows an interface's link state: the kernel's rtnetlink link notifications wake it (no polling, no fork), and
/// each wake reads sysfs operstate. Where the notification group cannot be joined it reads sysfs every 100 ms.
/// </summary>
internal sealed class LinkWatcher(string key, string interfaceName, Action<string, bool> report)
{
    private const uint RTMGRP_LINK = 1;
    private const int MSG_DONTWAIT = 0x40;

    // how soon a stop (a reload) is noticed, and how often the state is read even without a notification
    private static readonly TimeSpan Wake = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Reread = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FallbackPoll = TimeSpan.FromMilliseconds(100);

    public void Run(CancellationToken stop)
    {
        var fd = OpenLinkNotifications();
        try
        {
            bool? last = null;
            var nextReread = TimeSpan.Zero;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var notified = true;
            while (!stop.IsCancellationRequested)
            {
                if (notified || clock.Elapsed >= nextReread)
                {
                    var up = NetworkInterfaceInfo.LinkIsUp(interfaceName);
                    if (up != last && !stop.IsCancellationRequested)
                    {
                        report(key, up);
                        last = up;
                    }
                    nextReread = clock.Elapsed + Reread;
                }
                notified = fd < 0 ? WaitPolling(stop) : WaitForNotification(fd);
            }
        }
        finally
        {
            if (fd >= 0)
                Native.close(fd);
        }
    }

    private static bool WaitPolling(CancellationToken stop)
    {
        stop.WaitHandle.WaitOne(FallbackPoll);
        return true;
    }

    /// <summary>True when a notification came (any link's: the state is read again either way); drains them all.</summary>
    private static bool WaitForNotification(int fd)
    {
        Span<Native.PollFd> fds = [new Native.PollFd { Fd = fd, Events = Native.POLLIN }];
        if (Native.poll(fds, 1, (int)Wake.TotalMilliseconds) <= 0)
            return false;
        Span<byte> buffer = stackalloc byte[4096];
        while (Native.recv(fd, buffer, buffer.Length, MSG_DONTWAIT) > 0)
        {
        }
        return true;
    }

    /// <summary>A netlink socket joined to the link notification group, or -1 (then the watcher polls).</summary>
    private static int OpenLinkNotifications()
    {
        var fd = Native.socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, Native.NETLINK_ROUTE);
        if (fd < 0)
            return -1;
        // sockaddr_nl: family, padding, port id (0: the kernel picks), groups
        Span<byte> local = stackalloc byte[12];
        local.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(local, Native.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(local[8..], RTMGRP_LINK);
        if (Native.bind(fd, local, local.Length) == 0)
            return fd;
        Native.close(fd);
        return -1;
    }
}
