using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaStack.Vrrp.Packets;

/// <summary>Which checksum forms a receiver accepts for IPv4 VRRPv3 (v2 and IPv6 have one form each).</summary>
public enum ChecksumAcceptance
{
    Both,
    MessageOnly,
    PseudoHeader,
}

/// <summary>A decoded advertisement and which checksum form it carried, or why it could not be decoded.</summary>
public readonly record struct DecodeResult(Advertisement? Advertisement, ChecksumForm? MatchedForm, ushort Checksum, DropReason? Drop)
{
    public bool Ok => Drop is null;

    public static DecodeResult Dropped(DropReason reason, ushort checksum = 0) => new(null, null, checksum, reason);
}

/// <summary>VRRP messages to and from bytes (RFC 3768 §5.1 and §5.3; RFC 9568 §5.1 and §5.2). No I/O.</summary>
public static class AdvertisementCodec
{
    public const int HeaderLength = 8;
    public const int CarpLength = 36;

    public static int MessageLength(VrrpVersion version, AddressFamily family, int count) =>
        HeaderLength + count * AddressLength(family) + (version == VrrpVersion.V2 ? Advertisement.AuthDataLength : 0);

    private static int AddressLength(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 16 : 4;

    /// <summary>
    /// The VRRP message for advert, sent from source to destination (which enter the checksum only in the
    /// pseudo-header form). form applies to IPv4 VRRPv3; v2 is always message-only and IPv6 always pseudo-header.
    /// </summary>
    public static byte[] Encode(Advertisement advert, IPAddress source, IPAddress destination, ChecksumForm form = ChecksumForm.PseudoHeader)
    {
        var family = advert.Family;
        if (advert.Addresses.Count is 0 or > 255)
            throw new ArgumentException($"an advertisement carries 1..255 addresses, not {advert.Addresses.Count}", nameof(advert));
        if (advert.Addresses.Any(a => a.AddressFamily != family) || source.AddressFamily != family)
            throw new ArgumentException("addresses and source must all be one family", nameof(advert));
        if (advert.Version == VrrpVersion.V2 && (family != AddressFamily.InterNetwork || advert.IntervalField > 255))
            throw new ArgumentException("VRRPv2 is IPv4 only, with an interval of at most 255 seconds", nameof(advert));
        if (advert.Version == VrrpVersion.V3 && advert.IntervalField > 0x0FFF)
            throw new ArgumentException("the VRRPv3 interval is 12 bits (at most 4095 centiseconds)", nameof(advert));

        var message = new byte[MessageLength(advert.Version, family, advert.Addresses.Count)];
        message[0] = (byte)(((int)advert.Version << 4) | Advertisement.MessageType);
        message[1] = advert.VirtualRouterId;
        message[2] = advert.Priority;
        message[3] = (byte)advert.Addresses.Count;
        if (advert.Version == VrrpVersion.V2)
        {
            message[4] = (byte)advert.AuthType;
            message[5] = (byte)advert.IntervalField;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), advert.IntervalField); // top 4 bits reserved, 0
        }
        var offset = HeaderLength;
        foreach (var address in advert.Addresses)
        {
            address.TryWriteBytes(message.AsSpan(offset), out var written);
            offset += written;
        }
        if (advert.Version == VrrpVersion.V2)
            advert.AuthDataOrZeros.CopyTo(message.AsSpan(offset));

        var usePseudoHeader = advert.Version == VrrpVersion.V3
            && (family == AddressFamily.InterNetworkV6 || form == ChecksumForm.PseudoHeader);
        var initial = usePseudoHeader ? InternetChecksum.PseudoHeaderSum(source, destination, message.Length) : 0;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), InternetChecksum.Compute(message, initial));
        return message;
    }

    /// <summary>
    /// Decodes a VRRP message received from source at destination: structure and checksum only. What depends
    /// on the receiving instance (TTL, VRID, auth, interval) is <see cref="ReceiveValidator"/>'s job.
    /// </summary>
    public static DecodeResult Decode(ReadOnlySpan<byte> message, IPAddress source, IPAddress destination,
        ChecksumAcceptance acceptance = ChecksumAcceptance.Both)
    {
        if (message.Length < HeaderLength)
            return DecodeResult.Dropped(DropReason.Truncated);
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var versionNibble = message[0] >> 4;
        if (versionNibble is not (2 or 3))
            return DecodeResult.Dropped(DropReason.VersionUnsupported, checksum);
        var version = (VrrpVersion)versionNibble;
        var family = source.AddressFamily;
        if (version == VrrpVersion.V2 && family != AddressFamily.InterNetwork)
            return DecodeResult.Dropped(DropReason.VersionUnsupported, checksum);
        if ((message[0] & 0x0F) != Advertisement.MessageType)
            return DecodeResult.Dropped(DropReason.TypeUnknown, checksum);

        var count = message[3];
        var expected = MessageLength(version, family, count);
        if (message.Length != expected)
        {
            // CARP: version 2, type 1, but 36 bytes with an auth length of 7 words where VRRP has a count
            var looksLikeCarp = version == VrrpVersion.V2 && message.Length == CarpLength && count == 7;
            return DecodeResult.Dropped(looksLikeCarp ? DropReason.CarpPacket
                : message.Length < expected ? DropReason.Truncated : DropReason.LengthMismatch, checksum);
        }

        ChecksumForm? matched = null;
        if (version == VrrpVersion.V2)
        {
            if (InternetChecksum.Verify(message))
                matched = ChecksumForm.MessageOnly;
        }
        else
        {
            var pseudo = InternetChecksum.PseudoHeaderSum(source, destination, message.Length);
            if (family == AddressFamily.InterNetworkV6 || acceptance != ChecksumAcceptance.MessageOnly)
            {
                if (InternetChecksum.Verify(message, pseudo))
                    matched = ChecksumForm.PseudoHeader;
            }
            if (matched is null && family == AddressFamily.InterNetwork && acceptance != ChecksumAcceptance.PseudoHeader
                && InternetChecksum.Verify(message))
            {
                matched = ChecksumForm.MessageOnly;
            }
        }
        if (matched is null)
            return DecodeResult.Dropped(DropReason.ChecksumInvalid, checksum);

        var addresses = new IPAddress[count];
        var length = AddressLength(family);
        for (var i = 0; i < count; i++)
            addresses[i] = new IPAddress(message.Slice(HeaderLength + i * length, length));
        Advertisement advert = version == VrrpVersion.V2
            ? new(version, message[1], message[2], message[5], addresses, (AuthenticationType)message[4],
                message.Slice(HeaderLength + count * 4, Advertisement.AuthDataLength).ToArray())
            : new(version, message[1], message[2], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & 0x0FFF), addresses);
        return new DecodeResult(advert, matched, checksum, null);
    }
}
