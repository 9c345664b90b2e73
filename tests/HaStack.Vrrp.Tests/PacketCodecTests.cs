using System.Net;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Tests;

public class PacketCodecTests
{
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress[] Vips = [IPAddress.Parse("10.77.0.100"), IPAddress.Parse("10.77.0.101")];

    [Fact]
    public void Keepalived_v2_pass_advert_decodes_as_keepalived_meant()
    {
        var (ip, drop) = Ipv4Packet.Parse(KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass));
        Assert.Null(drop);
        var header = ip!.Value;
        Assert.Equal(255, header.Ttl);
        var message = KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass).AsSpan(header.PayloadOffset, header.PayloadLength);
        var result = AdvertisementCodec.Decode(message, header.Source, header.Destination);
        Assert.True(result.Ok);
        var advert = result.Advertisement!;
        Assert.Equal(VrrpVersion.V2, advert.Version);
        Assert.Equal(77, advert.VirtualRouterId);
        Assert.Equal(150, advert.Priority);
        Assert.Equal(1, advert.IntervalField);
        Assert.Equal(Vips, advert.Addresses);
        Assert.Equal(AuthenticationType.SimplePassword, advert.AuthType);
        Assert.Equal(Advertisement.PasswordAuthData("hslab77"), advert.AuthData);
        Assert.Equal(ChecksumForm.MessageOnly, result.MatchedForm);
    }

    [Fact]
    public void Keepalived_v3_advert_carries_the_rfc5798_pseudo_header_checksum()
    {
        var result = ReceiveValidator.ValidateIpv4(KeepalivedPackets.Bytes(KeepalivedPackets.V3PseudoHeader),
            _ => new ReceivePolicy(VrrpVersion.V3, 77, 100, Vips));
        Assert.True(result.Accepted, result.Drop?.ToString());
        Assert.Equal(ChecksumForm.PseudoHeader, result.ChecksumForm);
        Assert.Equal(50, result.Advertisement!.Priority);
        Assert.Equal(100, result.Advertisement.IntervalField);
    }

    [Fact]
    public void Rfc5798_5_2_8_our_encoding_of_keepalived_v3_advert_is_byte_identical()
    {
        var advert = new Advertisement(VrrpVersion.V3, 77, 50, 100, Vips);
        var source = IPAddress.Parse("10.77.0.12");
        var expected = KeepalivedPackets.Bytes(KeepalivedPackets.V3PseudoHeader)[20..];
        Assert.Equal(expected, AdvertisementCodec.Encode(advert, source, Group, ChecksumForm.PseudoHeader));
    }

    [Fact]
    public void Rfc9568_5_2_8_message_only_checksum_matches_an_independent_computation()
    {
        var advert = new Advertisement(VrrpVersion.V3, 77, 50, 100, Vips);
        var bytes = AdvertisementCodec.Encode(advert, IPAddress.Parse("10.77.0.12"), Group, ChecksumForm.MessageOnly);
        Assert.Equal(KeepalivedPackets.Bytes(KeepalivedPackets.V3MessageOnlyPayload), bytes);
        var decoded = AdvertisementCodec.Decode(bytes, IPAddress.Parse("10.77.0.12"), Group);
        Assert.Equal(ChecksumForm.MessageOnly, decoded.MatchedForm);
    }

    [Fact]
    public void Rfc3768_5_3_8_v2_encoding_of_keepalived_advert_is_byte_identical()
    {
        var advert = new Advertisement(VrrpVersion.V2, 77, 150, 1, Vips, AuthenticationType.SimplePassword, Advertisement.PasswordAuthData("hslab77"));
        var expected = KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass)[20..];
        Assert.Equal(expected, AdvertisementCodec.Encode(advert, IPAddress.Parse("10.77.0.11"), Group));
    }

    [Fact]
    public void Rfc3768_5_1_v2_length_includes_the_8_byte_auth_trailer()
    {
        var advert = new Advertisement(VrrpVersion.V2, 1, 100, 1, [Vips[0]]);
        Assert.Equal(8 + 4 + 8, AdvertisementCodec.Encode(advert, Vips[1], Group).Length);
        Assert.Equal(8 + 4, AdvertisementCodec.Encode(advert with { Version = VrrpVersion.V3, IntervalField = 100 }, Vips[1], Group).Length);
    }

    [Fact]
    public void Rfc9568_5_2_7_v3_interval_is_12_bits_and_reserved_bits_are_zero_on_send_ignored_on_receive()
    {
        var advert = new Advertisement(VrrpVersion.V3, 1, 100, 4095, [Vips[0]]);
        var bytes = AdvertisementCodec.Encode(advert, Vips[1], Group, ChecksumForm.MessageOnly);
        Assert.Equal(0x0F, bytes[4]);
        Assert.Throws<ArgumentException>(() => AdvertisementCodec.Encode(advert with { IntervalField = 4096 }, Vips[1], Group));
        // set a reserved bit and fix the checksum: still decodes, with the interval's 12 bits only
        bytes[4] |= 0x80;
        bytes[6] = bytes[7] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), InternetChecksum.Compute(bytes));
        Assert.Equal(4095, AdvertisementCodec.Decode(bytes, Vips[1], Group).Advertisement!.IntervalField);
    }

    [Fact]
    public void Rfc9568_5_2_9_ipv6_advert_round_trips_with_the_pseudo_header()
    {
        var linkLocal = IPAddress.Parse("fe80::1");
        var advert = new Advertisement(VrrpVersion.V3, 9, 200, 100, [linkLocal, IPAddress.Parse("2001:db8::10")]);
        var source = IPAddress.Parse("fe80::2");
        var group = IPAddress.Parse("ff02::12");
        // the form argument cannot turn the IPv6 pseudo-header off
        var bytes = AdvertisementCodec.Encode(advert, source, group, ChecksumForm.MessageOnly);
        Assert.Equal(8 + 32, bytes.Length);
        var decoded = AdvertisementCodec.Decode(bytes, source, group);
        Assert.Equal(advert, decoded.Advertisement);
        Assert.Equal(ChecksumForm.PseudoHeader, decoded.MatchedForm);
    }

    [Fact]
    public void Rfc3768_5_3_v2_cannot_carry_ipv6_or_intervals_over_255_seconds()
    {
        Assert.Throws<ArgumentException>(() => AdvertisementCodec.Encode(
            new Advertisement(VrrpVersion.V2, 1, 100, 1, [IPAddress.Parse("fe80::1")]), IPAddress.Parse("fe80::2"), IPAddress.Parse("ff02::12")));
        Assert.Throws<ArgumentException>(() => AdvertisementCodec.Encode(
            new Advertisement(VrrpVersion.V2, 1, 100, 256, [Vips[0]]), Vips[1], Group));
    }

    [Fact]
    public void Ipv4_header_with_bad_checksum_or_length_is_dropped_not_thrown()
    {
        var packet = KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass);
        packet[10] ^= 0xFF;
        Assert.Equal(DropReason.IpHeaderInvalid, Ipv4Packet.Parse(packet).Drop);
        Assert.Equal(DropReason.Truncated, Ipv4Packet.Parse(KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass)[..30]).Drop);
        Assert.Equal(DropReason.Truncated, Ipv4Packet.Parse(new byte[5]).Drop);
    }

    [Fact]
    public void Wrapped_packet_parses_back_with_ttl_255_and_protocol_112()
    {
        var message = KeepalivedPackets.Bytes(KeepalivedPackets.V3MessageOnlyPayload);
        var packet = Ipv4Packet.Wrap(message, IPAddress.Parse("10.77.0.12"), Group);
        var (ip, drop) = Ipv4Packet.Parse(packet);
        Assert.Null(drop);
        Assert.Equal(255, ip!.Value.Ttl);
        Assert.Equal(message, packet[ip.Value.PayloadOffset..]);
    }

    [Theory]
    [InlineData(DropReason.TtlNot255, "ttl_not_255")]
    [InlineData(DropReason.ChecksumInvalid, "checksum_invalid")]
    [InlineData(DropReason.CarpPacket, "carp_packet")]
    public void Drop_reasons_have_stable_snake_case_codes(DropReason reason, string code) => Assert.Equal(code, reason.Code());
}
