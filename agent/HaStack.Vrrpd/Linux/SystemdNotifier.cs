using System.Net.Sockets;
using System.Text;

namespace HaStack.Vrrpd.Linux;

/// <summary>sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET (READY, STATUS, WATCHDOG, STOPPING).</summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? socket;
    private readonly UnixDomainSocketEndPoint? endpoint;

    public TimeSpan? WatchdogInterval { get; }

    public SystemdNotifier()
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
            return;
        // an abstract socket is written with a leading '@'
        endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) && usec > 0)
            WatchdogInterval = TimeSpan.FromMicroseconds(usec / 2.0);
    }

    public void Send(string state)
    {
        if (socket is null)
            return;
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint!);
        }
        catch (SocketException)
        {
            // systemd went away or the unit is not Type=notify: nothing to tell
        }
    }

    public void Dispose() => socket?.Dispose();
}
