using System.Net;
using HaStack.Vrrp.Sockets;

namespace HaStack.Vrrpd.Linux;

/// <summary>
/// Closes this host's TCP connections on an address it no longer holds, through sock_diag's SOCK_DESTROY (the
/// kernel's socket-destroy, as <c>ss -K</c> uses it): the local service sees the connection end, and the client
/// gets a reset at once instead of waiting on a host that will never answer. One socket per call; opened per use.
/// </summary>
internal static class ConnectionCloser
{
    private const int NETLINK_SOCK_DIAG = 4;
    private const int ENOENT = 2;
    private const int EOPNOTSUPP = 95;

    /// <summary>Destroys every non-listening TCP socket whose local address is <paramref name="address"/>; returns how many.</summary>
    public static int CloseConnectionsOn(IPAddress address, Action<string> log)
    {
        var fd = Native.socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0)
        {
            log($"connections on {address} not closed: sock_diag socket: {Native.ErrorText(Native.LastError)}");
            return 0;
        }
        try
        {
            uint sequence = 1;
            var found = Exchange(fd, SocketDiagMessages.DumpRequest(sequence), sequence, log)
                .Where(s => s.Local.Equals(address)).ToList();
            var closed = 0;
            foreach (var socket in found)
            {
                sequence++;
                var errno = Exchange(fd, SocketDiagMessages.DestroyRequest(sequence, socket), sequence, log, out var _);
                if (errno == 0)
                    closed++;
                else if (errno == EOPNOTSUPP)
                {
                    log($"connections on {address} not closed: this kernel cannot destroy sockets (CONFIG_INET_DIAG_DESTROY)");
                    break;
                }
                else if (errno != ENOENT)
                    log($"closing {socket.Local}:{socket.LocalPort} <- {socket.Remote}:{socket.RemotePort}: {Native.ErrorText(errno)}");
            }
            return closed;
        }
        finally
        {
            Native.close(fd);
        }
    }

    private static List<TcpSocketId> Exchange(int fd, byte[] request, uint sequence, Action<string> log)
    {
        var errno = Exchange(fd, request, sequence, log, out var sockets);
        if (errno != 0)
            log($"sock_diag dump: {Native.ErrorText(errno)}");
        return sockets;
    }

    /// <summary>Sends one request and reads replies until its sequence is done; the kernel's errno (0: none).</summary>
    private static int Exchange(int fd, byte[] request, uint sequence, Action<string> log, out List<TcpSocketId> sockets)
    {
        sockets = [];
        Span<byte> kernel = stackalloc byte[12];
        kernel.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(kernel, Native.AF_NETLINK);
        if (Native.sendto(fd, request, request.Length, 0, kernel, kernel.Length) < 0)
            return Native.LastError;
        var buffer = new byte[32 * 1024];
        // bounded: a dump of every TCP socket on a busy proxy still fits in far fewer reads than this
        for (var reads = 0; reads < 10_000; reads++)
        {
            var received = (int)Native.recv(fd, buffer, buffer.Length, 0);
            if (received < 0)
            {
                if (Native.LastError == Native.EINTR)
                    continue;
                return Native.LastError;
            }
            var part = SocketDiagMessages.Parse(buffer.AsSpan(0, received), sequence);
            sockets.AddRange(part.Sockets);
            if (part.Done)
                return part.Errno;
        }
        log("sock_diag: no end to the dump after 10,000 reads");
        return 0;
    }
}
