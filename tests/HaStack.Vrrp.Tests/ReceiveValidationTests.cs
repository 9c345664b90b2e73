using System.Buffers.Binary;
using System.Net;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Tests;

/// <summary>The receive ladder: RFC 9568 §7.1 (v3) and RFC 3768 §7.1 (v2), one rule a test.</summary>
public class ReceiveValidationTests
{
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Peer = IPAddress.Parse("10.77.0.12");
    private static readonly IPAddress[] Vips = [IPAddress.Parse("10.77.0.100")];
    private static readonly byte[] Password = Advertisement.PasswordAuthData("secret12");

    private static readonly ReceivePolicy V3 = new(VrrpVersion.V3, 51, 100, Vips);
    private static readonly ReceivePolicy V2 = new(VrrpVersion.V2, 51, 1, Vips, AuthenticationType.SimplePassword, Password);

    private static byte[] V3Message(byte priority = 100, ushort interval = 100, IPAddress[]? addresses = null, byte vrid = 51) =>
        AdvertisementCodec.Encode(new Advertisement(VrrpVersion.V3, vrid, priority, interval, addresses ?? Vips), Peer, Group);

    private static byte[] V2Message(byte[]? auth = null, AuthenticationType type = AuthenticationType.SimplePassword, ushort interval = 1, IPAddress[]? addresses = null, byte priority = 100) =>
        AdvertisementCodec.Encode(new Advertisement(VrrpVersion.V2, 51, priority, interval, addresses ?? Vips, type, auth ?? Password), Peer, Group);

    private static ReceiveResult Receive(byte[] message, ReceivePolicy policy, int ttl = 255, IPAddress? destination = null) =>
        ReceiveValidator.Validate(message, ttl, Peer, destination ?? Group, vrid => vrid == policy.VirtualRouterId ? policy : null);

    // Rewrites a field then restores a valid checksum, so the rule under test is the one that fires.
    private static byte[] WithField(byte[] message, int offset, byte value, bool pseudoHeader = true)
    {
        var copy = (byte[])message.Clone();
        copy[offset] = value;
        copy[6] = copy[7] = 0;
        var initial = pseudoHeader ? InternetChecksum.PseudoHeaderSum(Peer, Group, copy.Length) : 0;
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(6), InternetChecksum.Compute(copy, initial));
        return copy;
    }

    [Fact]
    public void Valid_v3_and_v2_adverts_are_accepted()
    {
        Assert.True(Receive(V3Message(), V3).Accepted);
        Assert.True(Receive(V2Message(), V2).Accepted);
    }

    [Fact]
    public void Rfc9568_7_1_ttl_must_be_255()
    {
        Assert.Equal(DropReason.TtlNot255, Receive(V3Message(), V3, ttl: 254).Drop);
        Assert.Equal(DropReason.TtlNot255, Receive(V2Message(), V2, ttl: 1).Drop);
    }

    [Fact]
    public void Unicast_adverts_skip_the_ttl_check_like_keepalived_but_must_come_from_a_peer()
    {
        var unicast = V3 with { UnicastPeers = [Peer] };
        var toMe = IPAddress.Parse("10.77.0.11");
        var message = AdvertisementCodec.Encode(new Advertisement(VrrpVersion.V3, 51, 100, 100, Vips), Peer, toMe);
        Assert.True(Receive(message, unicast, ttl: 64, destination: toMe).Accepted);
        var stranger = unicast with { UnicastPeers = [IPAddress.Parse("10.77.0.13")] };
        Assert.Equal(DropReason.SourceNotPeer, Receive(message, stranger, destination: toMe).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_version_must_be_the_instances()
    {
        Assert.Equal(DropReason.VersionMismatch, Receive(V2Message(), V3).Drop);
        Assert.Equal(DropReason.VersionUnsupported, Receive(WithField(V3Message(), 0, 0x41), V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_type_must_be_advertisement()
    {
        Assert.Equal(DropReason.TypeUnknown, Receive(WithField(V3Message(), 0, 0x32), V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_packet_must_be_complete_for_its_address_count()
    {
        Assert.Equal(DropReason.Truncated, Receive(V3Message()[..10], V3).Drop);
        Assert.Equal(DropReason.Truncated, Receive(V3Message()[..6], V3).Drop);
        Assert.Equal(DropReason.LengthMismatch, Receive([.. V3Message(), 0, 0, 0, 0], V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_checksum_must_verify()
    {
        var message = V3Message();
        message[2] ^= 1;
        Assert.Equal(DropReason.ChecksumInvalid, Receive(message, V3).Drop);
    }

    [Fact]
    public void Rfc9568_5_2_8_both_ipv4_v3_checksum_forms_are_accepted_unless_the_instance_restricts_it()
    {
        var messageOnly = AdvertisementCodec.Encode(new Advertisement(VrrpVersion.V3, 51, 100, 100, Vips), Peer, Group, ChecksumForm.MessageOnly);
        Assert.Equal(ChecksumForm.MessageOnly, Receive(messageOnly, V3).ChecksumForm);
        Assert.Equal(ChecksumForm.PseudoHeader, Receive(V3Message(), V3).ChecksumForm);
        Assert.Equal(DropReason.ChecksumInvalid, Receive(messageOnly, V3 with { ChecksumAcceptance = ChecksumAcceptance.PseudoHeader }).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_vrid_must_be_configured_on_the_interface()
    {
        Assert.Equal(DropReason.VridNotConfigured, Receive(V3Message(vrid: 52), V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_erratum_8301_interval_zero_is_dropped()
    {
        Assert.Equal(DropReason.IntervalZero, Receive(V3Message(interval: 0), V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_erratum_8299_address_count_zero_is_dropped()
    {
        var message = WithField(V3Message(addresses: Vips)[..8], 3, 0);
        Assert.Equal(DropReason.AddressCountZero, Receive(message, V3).Drop);
    }

    [Fact]
    public void Rfc9568_7_1_v3_interval_and_address_list_differences_are_logged_not_dropped()
    {
        var result = Receive(V3Message(interval: 50, addresses: [IPAddress.Parse("10.77.0.105")]), V3);
        Assert.True(result.Accepted);
        Assert.True(result.Notes.HasFlag(ReceiveNotes.IntervalDiffers));
        Assert.True(result.Notes.HasFlag(ReceiveNotes.AddressListDiffers));
    }

    [Fact]
    public void Rfc9568_7_1_erratum_8298_owner_conflict_is_logged_and_processed()
    {
        var result = Receive(V3Message(), V3 with { IsOwner = true });
        Assert.True(result.Accepted);
        Assert.True(result.Notes.HasFlag(ReceiveNotes.OwnerConflict));
    }

    [Fact]
    public void Rfc3768_7_1_v2_interval_mismatch_is_dropped()
    {
        Assert.Equal(DropReason.IntervalMismatch, Receive(V2Message(interval: 2), V2).Drop);
    }

    [Fact]
    public void Rfc3768_7_1_v2_auth_type_must_match()
    {
        Assert.Equal(DropReason.AuthTypeMismatch, Receive(V2Message(type: AuthenticationType.None, auth: new byte[8]), V2).Drop);
    }

    [Fact]
    public void Rfc2338_5_3_6_v2_simple_password_must_match()
    {
        Assert.Equal(DropReason.AuthPasswordMismatch, Receive(V2Message(auth: Advertisement.PasswordAuthData("wrong")), V2).Drop);
    }

    [Fact]
    public void Rfc3768_7_1_v2_address_list_mismatch_is_dropped_unless_the_sender_is_the_owner()
    {
        IPAddress[] other = [IPAddress.Parse("10.77.0.105")];
        Assert.Equal(DropReason.AddressListMismatch, Receive(V2Message(addresses: other), V2).Drop);
        Assert.True(Receive(V2Message(addresses: other, priority: 255), V2).Accepted);
    }

    [Fact]
    public void Rfc9568_5_2_9_erratum_8300_ipv6_first_address_must_be_link_local()
    {
        var source = IPAddress.Parse("fe80::2");
        var group = IPAddress.Parse("ff02::12");
        var policy = new ReceivePolicy(VrrpVersion.V3, 51, 100, [IPAddress.Parse("2001:db8::10")]);
        var bad = AdvertisementCodec.Encode(new Advertisement(VrrpVersion.V3, 51, 100, 100, [IPAddress.Parse("2001:db8::10")]), source, group);
        Assert.Equal(DropReason.FirstAddressNotLinkLocal, ReceiveValidator.Validate(bad, 255, source, group, _ => policy).Drop);
    }

    [Fact]
    public void Carp_advert_on_protocol_112_is_recognised_and_refused()
    {
        // CARP (carp(4)): version 2, type 1, vhid, advskew, authlen 7, demote, advbase, checksum, counter, SHA1 HMAC: 36 bytes
        var carp = new byte[36];
        carp[0] = 0x21;
        carp[1] = 51;
        carp[3] = 7;
        carp[5] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(carp.AsSpan(6), InternetChecksum.Compute(carp));
        Assert.Equal(DropReason.CarpPacket, Receive(carp, V2).Drop);
    }
}
