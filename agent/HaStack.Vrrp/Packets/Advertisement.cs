using System.Net;
using System.Net.Sockets;

namespace HaStack.Vrrp.Packets;

public enum VrrpVersion : byte
{
    V2 = 2,
    V3 = 3,
}

/// <summary>VRRPv2's Auth Type field (RFC 3768 §5.3.6; types 1 and 2 come from RFC 2338).</summary>
public enum AuthenticationType : byte
{
    None = 0,
    SimplePassword = 1,
    IpAuthenticationHeader = 2,
}

/// <summary>
/// One VRRP ADVERTISEMENT (type 1), the only VRRP message there is. The interval field keeps the wire's unit:
/// whole seconds in v2 (RFC 3768 §5.3.7), centiseconds in v3 (RFC 9568 §5.2.7).
/// </summary>
public sealed record Advertisement(
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    ushort IntervalField,
    IReadOnlyList<IPAddress> Addresses,
    AuthenticationType AuthType = AuthenticationType.None,
    byte[]? AuthData = null)
{
    public const byte MessageType = 1;
    public const byte OwnerPriority = 255;
    public const byte StoppingPriority = 0;
    public const int AuthDataLength = 8;

    public AddressFamily Family => Addresses.Count > 0 ? Addresses[0].AddressFamily : AddressFamily.InterNetwork;

    /// <summary>The advertisement interval in centiseconds whatever the version, the unit of every timer.</summary>
    public int IntervalCentiseconds => Version == VrrpVersion.V2 ? IntervalField * 100 : IntervalField;

    /// <summary>RFC 3768 §5.3.10: Authentication Data is 8 bytes; PASS carries the password, zero-padded.</summary>
    public ReadOnlySpan<byte> AuthDataOrZeros => AuthData ?? new byte[AuthDataLength];

    public bool Equals(Advertisement? other) =>
        other is not null
        && Version == other.Version
        && VirtualRouterId == other.VirtualRouterId
        && Priority == other.Priority
        && IntervalField == other.IntervalField
        && Addresses.SequenceEqual(other.Addresses)
        && (Version == VrrpVersion.V3 || (AuthType == other.AuthType && AuthDataOrZeros.SequenceEqual(other.AuthDataOrZeros)));

    public override int GetHashCode() => HashCode.Combine(Version, VirtualRouterId, Priority, IntervalField, Addresses.Count);

    /// <summary>keepalived's PASS: the first 8 bytes of the password, zero-padded.</summary>
    public static byte[] PasswordAuthData(string password)
    {
        var data = new byte[AuthDataLength];
        var bytes = System.Text.Encoding.UTF8.GetBytes(password);
        bytes.AsSpan(0, Math.Min(bytes.Length, AuthDataLength)).CopyTo(data);
        return data;
    }
}
