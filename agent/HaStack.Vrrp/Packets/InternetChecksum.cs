using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaStack.Vrrp.Packets;

/// <summary>Which bytes a VRRP checksum covers (reference: vrrp.md §1.4).</summary>
public enum ChecksumForm
{
    /// <summary>The VRRP message only: v2 (RFC 3768 §5.3.8) and v3 over IPv4 per RFC 9568 §5.2.8
    /// (keepalived's <c>v3_checksum_as_v2</c>).</summary>
    MessageOnly,
    /// <summary>The message plus a pseudo-header: v3 per RFC 5798 §5.2.8 (keepalived's default for IPv4), and
    /// always for IPv6.</summary>
    PseudoHeader,
}

/// <summary>The RFC 1071 one's-complement sum, and the VRRP pseudo-headers.</summary>
public static class InternetChecksum
{
    public const byte VrrpProtocol = 112;

    /// <summary>Adds data to a running 32-bit sum of 16-bit big-endian words (an odd last byte is padded).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            sum += (uint)(data[i] << 8);
        return sum;
    }

    public static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum field's value for data whose own checksum field is zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, uint initial = 0) => (ushort)~Fold(Add(initial, data));

    /// <summary>True when data, checksum field included, sums to all ones.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, uint initial = 0) => Fold(Add(initial, data)) == 0xFFFF;

    /// <summary>
    /// The pseudo-header's partial sum: for IPv4 source, destination, zero, protocol 112 and the 16-bit length
    /// (as keepalived and Wireshark compute RFC 5798's IPv4 form); for IPv6 RFC 8200 §8.1.
    /// </summary>
    public static uint PseudoHeaderSum(IPAddress source, IPAddress destination, int messageLength)
    {
        uint sum = Add(0, source.GetAddressBytes());
        sum = Add(sum, destination.GetAddressBytes());
        if (source.AddressFamily == AddressFamily.InterNetworkV6)
            sum += (uint)(messageLength >> 16) + (uint)(messageLength & 0xFFFF);
        else
            sum += (uint)messageLength;
        return sum + VrrpProtocol;
    }
}
