using System.Buffers.Binary;
using System.Net;

namespace HaStack.Vrrpd.Linux;

/// <summary>
/// Gratuitous ARP through an AF_PACKET socket: a broadcast ARP request whose sender and target address are
/// the virtual address and whose sender hardware address is the interface's, so switches and neighbours
/// relearn where the address lives.
/// </summary>
internal sealed class GratuitousArp : IDisposable
{
    private const ushort EthernetTypeArp = 0x0806;
    private readonly int fd;
    private readonly byte[] linkAddress = new byte[20];
    private readonly byte[] mac;

    public GratuitousArp(int interfaceIndex, byte[] macAddress)
    {
        mac = macAddress;
        fd = Native.socket(Native.AF_PACKET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, BinaryPrimitives.ReverseEndianness((short)EthernetTypeArp));
        if (fd < 0)
            throw new IOException($"packet socket: {Native.ErrorText(Native.LastError)}");
        // sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
        BinaryPrimitives.WriteUInt16LittleEndian(linkAddress, Native.AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(linkAddress.AsSpan(2), EthernetTypeArp);
        BinaryPrimitives.WriteInt32LittleEndian(linkAddress.AsSpan(4), interfaceIndex);
        linkAddress[11] = 6;
        linkAddress.AsSpan(12, 6).Fill(0xFF);
    }

    public static byte[] Frame(byte[] mac, IPAddress address)
    {
        var frame = new byte[42];
        frame.AsSpan(0, 6).Fill(0xFF);                  // Ethernet destination: broadcast
        mac.CopyTo(frame, 6);                           // Ethernet source
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetTypeArp);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), 1);      // hardware: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 0x0800); // protocol: IPv4
        frame[18] = 6;
        frame[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), 1);      // request
        mac.CopyTo(frame, 22);
        address.GetAddressBytes().CopyTo(frame, 28);
        frame.AsSpan(32, 6).Fill(0xFF);
        address.GetAddressBytes().CopyTo(frame, 38);
        return frame;
    }

    public void Send(IPAddress address)
    {
        var frame = Frame(mac, address);
        if (Native.sendto(fd, frame, frame.Length, 0, linkAddress, linkAddress.Length) < 0)
            throw new IOException($"gratuitous ARP for {address}: {Native.ErrorText(Native.LastError)}");
    }

    public void Dispose() => Native.close(fd);
}
