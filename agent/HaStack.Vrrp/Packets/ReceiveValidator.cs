using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HaStack.Vrrp.Packets;

/// <summary>What one configured instance accepts (the local side of RFC 3768 §7.1 and RFC 9568 §7.1).</summary>
public sealed record ReceivePolicy(
    VrrpVersion Version,
    byte VirtualRouterId,
    ushort IntervalField,
    IReadOnlyList<IPAddress> VirtualAddresses,
    AuthenticationType AuthType = AuthenticationType.None,
    byte[]? AuthData = null,
    IReadOnlyList<IPAddress>? UnicastPeers = null,
    ChecksumAcceptance ChecksumAcceptance = ChecksumAcceptance.Both,
    bool IsOwner = false)
{
    public bool Unicast => UnicastPeers is { Count: > 0 };
}

/// <summary>Things worth a log line that do not drop the packet (RFC 9568 §7.1's SHOULD/MAY checks).</summary>
[Flags]
public enum ReceiveNotes
{
    None = 0,
    /// <summary>v3: the sender's interval differs from ours (logged; the Backup learns the Active's).</summary>
    IntervalDiffers = 1,
    /// <summary>v3: the sender's address list differs from ours (a VRID collision is the usual cause).</summary>
    AddressListDiffers = 2,
    /// <summary>We own the addresses and someone else advertises them (erratum 8298: log, process anyway).</summary>
    OwnerConflict = 4,
}

public readonly record struct ReceiveResult(
    Advertisement? Advertisement,
    ReceivePolicy? Instance,
    ChecksumForm? ChecksumForm,
    DropReason? Drop,
    ReceiveNotes Notes = ReceiveNotes.None)
{
    public bool Accepted => Drop is null;
}

/// <summary>The receive validation ladder. Every outcome is a value: a drop reason or an accepted advert.</summary>
public static class ReceiveValidator
{
    /// <summary>Validates a whole IPv4 packet as read from a raw socket (IP header included).</summary>
    public static ReceiveResult ValidateIpv4(ReadOnlySpan<byte> packet, Func<byte, ReceivePolicy?> instanceFor)
    {
        var (ip, drop) = Ipv4Packet.Parse(packet);
        if (ip is not { } header || drop is not null)
            return new ReceiveResult(null, null, null, drop);
        return Validate(packet.Slice(header.PayloadOffset, header.PayloadLength), header.Ttl, header.Source, header.Destination, instanceFor);
    }

    /// <summary>Validates a VRRP message with the TTL/hop limit and addresses of the packet that carried it.</summary>
    public static ReceiveResult Validate(ReadOnlySpan<byte> message, int ttl, IPAddress source, IPAddress destination,
        Func<byte, ReceivePolicy?> instanceFor)
    {
        var vrid = message.Length > 1 ? message[1] : (byte)0;
        var instance = message.Length > 1 ? instanceFor(vrid) : null;

        // Unicast VRRP does not cross routers either, but keepalived sends it with TTL 255 only by default and
        // does not check it: the TTL rule is enforced for the multicast group (RFC 9568 §7.1, 3768 §7.1).
        var multicast = destination.AddressFamily == AddressFamily.InterNetwork
            ? destination.GetAddressBytes()[0] is >= 224 and <= 239
            : destination.IsIPv6Multicast;
        if (ttl != 255 && (multicast || instance is not { Unicast: true }))
            return new ReceiveResult(null, instance, null, DropReason.TtlNot255);

        var decoded = AdvertisementCodec.Decode(message, source, destination, instance?.ChecksumAcceptance ?? ChecksumAcceptance.Both);
        if (!decoded.Ok || decoded.Advertisement is not { } advert)
            return new ReceiveResult(null, instance, null, decoded.Drop);
        if (instance is null)
            return new ReceiveResult(advert, null, decoded.MatchedForm, DropReason.VridNotConfigured);
        if (advert.Version != instance.Version)
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.VersionMismatch);
        if (instance.VirtualAddresses.Count > 0 && advert.Family != instance.VirtualAddresses[0].AddressFamily)
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.FamilyMismatch);
        if (advert.Addresses.Count == 0)
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.AddressCountZero);
        if (advert.IntervalField == 0)
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.IntervalZero);
        if (advert.Family == AddressFamily.InterNetworkV6 && !advert.Addresses[0].IsIPv6LinkLocal)
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.FirstAddressNotLinkLocal);
        if (instance.Unicast && !instance.UnicastPeers!.Contains(source))
            return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.SourceNotPeer);

        var notes = ReceiveNotes.None;
        var sameAddresses = advert.Addresses.ToHashSet().SetEquals(instance.VirtualAddresses);
        if (instance.Version == VrrpVersion.V2)
        {
            if (advert.AuthType != instance.AuthType)
                return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.AuthTypeMismatch);
            if (instance.AuthType == AuthenticationType.SimplePassword
                && !CryptographicOperations.FixedTimeEquals(advert.AuthDataOrZeros, instance.AuthData ?? new byte[Advertisement.AuthDataLength]))
            {
                return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.AuthPasswordMismatch);
            }
            if (advert.IntervalField != instance.IntervalField)
                return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.IntervalMismatch);
            if (!sameAddresses && advert.Priority != Advertisement.OwnerPriority)
                return new ReceiveResult(advert, instance, decoded.MatchedForm, DropReason.AddressListMismatch);
        }
        else
        {
            if (advert.IntervalField != instance.IntervalField)
                notes |= ReceiveNotes.IntervalDiffers;
            if (!sameAddresses)
                notes |= ReceiveNotes.AddressListDiffers;
        }
        if (instance.IsOwner)
            notes |= ReceiveNotes.OwnerConflict;
        return new ReceiveResult(advert, instance, decoded.MatchedForm, null, notes);
    }
}
