using HaStack.Vrrpd.Linux;

namespace HaStack.Vrrpd.Trackers;

/// <summary>Follows an interface's link state (sysfs operstate, read every 100 ms: no fork, no netlink group).</summary>
internal sealed class LinkWatcher(string key, string interfaceName, Action<string, bool> report)
{
    public void Run(CancellationToken stop)
    {
        bool? last = null;
        while (!stop.IsCancellationRequested)
        {
            var up = NetworkInterfaceInfo.LinkIsUp(interfaceName);
            if (up != last)
            {
                report(key, up);
                last = up;
            }
            stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
        }
    }
}
