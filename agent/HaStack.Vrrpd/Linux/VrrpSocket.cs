using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HaStack.Vrrpd.Linux;

/// <summary>
/// Raw IPv4 sockets for protocol 112 on one interface: one to receive (joined to the group, bound to the
/// device, whole packets with their IP header so the TTL can be checked) and one to send (bound to the source
/// address, TTL 255, TOS 0xc0, no multicast loop).
/// </summary>
internal sealed class VrrpSocket : IDisposable
{
    private const int SOL_SOCKET = 1;
    private const int SO_BINDTODEVICE = 25;
    private const int IPPROTO_IP = 0;
    private const int IP_MULTICAST_ALL = 49;
    public static readonly IPAddress VrrpGroup = IPAddress.Parse("224.0.0.18");

    private readonly Socket receiver;
    private readonly Socket sender;

    public VrrpSocket(NetworkInterfaceInfo nic, IPAddress source, IPAddress group)
    {
        var device = Encoding.ASCII.GetBytes(nic.Name + "\0");
        receiver = RawVrrpSocket();
        receiver.SetRawSocketOption(SOL_SOCKET, SO_BINDTODEVICE, device);
        receiver.SetRawSocketOption(IPPROTO_IP, IP_MULTICAST_ALL, BitConverter.GetBytes(0));
        receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, nic.Index));
        receiver.ReceiveBufferSize = 256 * 1024;

        sender = RawVrrpSocket();
        sender.SetRawSocketOption(SOL_SOCKET, SO_BINDTODEVICE, device);
        sender.Bind(new IPEndPoint(source, 0));
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 255);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, 0xC0);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(nic.Index));
    }

    // .NET's Socket knows no protocol 112, so the descriptor is made by libc and handed to it
    private static Socket RawVrrpSocket()
    {
        const int AF_INET = 2;
        var fd = Native.socket(AF_INET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, InternetChecksumProtocol);
        if (fd < 0)
            throw new IOException($"raw socket for protocol 112: {Native.ErrorText(Native.LastError)} (needs CAP_NET_RAW)");
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    private const int InternetChecksumProtocol = HaStack.Vrrp.Packets.InternetChecksum.VrrpProtocol;

    /// <summary>Blocks for the next packet (IP header included); returns its length.</summary>
    public int Receive(byte[] buffer)
    {
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        return receiver.ReceiveFrom(buffer, ref from);
    }

    public void Send(byte[] message, IPAddress destination) => sender.SendTo(message, new IPEndPoint(destination, 0));

    public void Dispose()
    {
        receiver.Dispose();
        sender.Dispose();
    }
}
