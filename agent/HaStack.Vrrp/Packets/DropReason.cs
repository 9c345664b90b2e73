namespace HaStack.Vrrp.Packets;

/// <summary>
/// Why a received packet was dropped. Each is counted and logged under its name in snake case
/// (see <see cref="DropReasons.Code"/>), so the names are part of the metrics and log interface.
/// </summary>
public enum DropReason
{
    /// <summary>Shorter than the IPv4 header or the 8-byte VRRP header.</summary>
    Truncated,
    /// <summary>IPv4 header that is not version 4, has a bad header length, total length or header checksum.</summary>
    IpHeaderInvalid,
    /// <summary>The IP protocol is not 112.</summary>
    NotVrrpProtocol,
    /// <summary>TTL or hop limit not 255 (RFC 3768 §7.1, RFC 9568 §7.1): it came from off the link.</summary>
    TtlNot255,
    /// <summary>Version field neither 2 nor 3.</summary>
    VersionUnsupported,
    /// <summary>A valid version, but not the one this instance runs.</summary>
    VersionMismatch,
    /// <summary>Type field not 1 (ADVERTISEMENT).</summary>
    TypeUnknown,
    /// <summary>CARP shares protocol 112 and version 2; its 36-byte shape is recognised and refused.</summary>
    CarpPacket,
    /// <summary>The length does not match the address count (plus v2's 8-byte auth trailer).</summary>
    LengthMismatch,
    /// <summary>Checksum wrong in every accepted form.</summary>
    ChecksumInvalid,
    /// <summary>No instance with this virtual router id on the interface.</summary>
    VridNotConfigured,
    /// <summary>Address count 0 (RFC 9568 §5.2.5, erratum 8299).</summary>
    AddressCountZero,
    /// <summary>Advertisement interval 0 (RFC 9568 §7.1, erratum 8301).</summary>
    IntervalZero,
    /// <summary>v2 interval differs from ours: RFC 3768 §7.1 says discard.</summary>
    IntervalMismatch,
    /// <summary>v2 auth type differs from ours (RFC 3768 §7.1).</summary>
    AuthTypeMismatch,
    /// <summary>v2 simple password differs from ours.</summary>
    AuthPasswordMismatch,
    /// <summary>v2 address list differs from ours and the sender is not the owner (RFC 3768 §7.1 MUST).</summary>
    AddressListMismatch,
    /// <summary>IPv6 advert whose first address is not link-local (RFC 9568 §5.2.9, erratum 8300).</summary>
    FirstAddressNotLinkLocal,
    /// <summary>Unicast mode: the sender is not a configured peer.</summary>
    SourceNotPeer,
    /// <summary>The family of the addresses in the advert differs from the instance's.</summary>
    FamilyMismatch,
    /// <summary>Not looked at: the daemon's queue was full (a flood), so the packet was dropped on receipt.</summary>
    QueueFull,
}

public static class DropReasons
{
    /// <summary>The stable name used in logs and metrics: e.g. ChecksumInvalid → checksum_invalid.</summary>
    public static string Code(this DropReason reason)
    {
        var name = reason.ToString();
        var code = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                code.Append('_');
            code.Append(char.ToLowerInvariant(name[i]));
        }
        return code.ToString().Replace("255", "_255", StringComparison.Ordinal).Replace("__", "_", StringComparison.Ordinal);
    }
}
