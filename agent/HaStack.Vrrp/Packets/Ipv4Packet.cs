using System.Buffers.Binary;
using System.Net;

namespace HaStack.Vrrp.Packets;

/// <summary>The IPv4 header fields a VRRP receiver needs, and where the payload is (RFC 791).</summary>
public readonly record struct Ipv4Packet(byte Ttl, byte Protocol, IPAddress Source, IPAddress Destination, int PayloadOffset, int PayloadLength)
{
    public const int MinimumHeaderLength = 20;

    /// <summary>Parses a whole IPv4 packet; a malformed header gives a drop reason, never an exception.</summary>
    public static (Ipv4Packet? Packet, DropReason? Drop) Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < MinimumHeaderLength)
            return (null, DropReason.Truncated);
        var headerLength = (packet[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (packet[0] >> 4 != 4 || headerLength < MinimumHeaderLength || totalLength < headerLength
            || totalLength > packet.Length || !InternetChecksum.Verify(packet[..headerLength]))
        {
            return (null, totalLength > packet.Length && packet[0] >> 4 == 4 ? DropReason.Truncated : DropReason.IpHeaderInvalid);
        }
        var parsed = new Ipv4Packet(packet[8], packet[9], new IPAddress(packet.Slice(12, 4)), new IPAddress(packet.Slice(16, 4)),
            headerLength, totalLength - headerLength);
        return parsed.Protocol == InternetChecksum.VrrpProtocol ? (parsed, null) : (parsed, DropReason.NotVrrpProtocol);
    }

    /// <summary>An IPv4 header as keepalived builds it for VRRP: TOS 0xc0, TTL 255, protocol 112.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination, byte ttl = 255)
    {
        var packet = new byte[MinimumHeaderLength + payload.Length];
        packet[0] = 0x45;
        packet[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = ttl;
        packet[9] = InternetChecksum.VrrpProtocol;
        source.TryWriteBytes(packet.AsSpan(12), out _);
        destination.TryWriteBytes(packet.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, MinimumHeaderLength)));
        payload.CopyTo(packet.AsSpan(MinimumHeaderLength));
        return packet;
    }
}
