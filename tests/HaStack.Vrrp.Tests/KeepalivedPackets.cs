namespace HaStack.Vrrp.Tests;

/// <summary>
/// Whole IPv4 packets sent by keepalived 2.2.7 in the lab (captured with tshark on hslab0, 2026-11-25), and one
/// checksum computed by an independent Python script. VRID 77, VIPs 10.77.0.100 and .101, advert_int 1.
/// </summary>
internal static class KeepalivedPackets
{
    /// <summary>v2, node1 (10.77.0.11) priority 150, auth_type PASS, auth_pass hslab77.</summary>
    public const string V2Pass = "45c0002c00010000ff70d0360a4d000be0000012214d96020101c43f0a4d00640a4d006568736c6162373700";

    /// <summary>v3, node2 (10.77.0.12) priority 50, keepalived's default RFC 5798 pseudo-header checksum 0x9bfd.</summary>
    public const string V3PseudoHeader = "45c0002400010000ff70d03d0a4d000ce0000012314d320200649bfd0a4d00640a4d0065";

    /// <summary>The same v3 message with the RFC 9568 message-only checksum, 0x86e9 by an independent Python
    /// computation (keepalived 2.2.7 cannot send it: it does not know v3_checksum_as_v2).</summary>
    public const string V3MessageOnlyPayload = "314d3202006486e90a4d00640a4d0065";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
