using System.Net;
using CsCheck;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Tests;

/// <summary>Properties over random advertisements: round trip, and checksum coverage of every bit.</summary>
public class PacketPropertyTests
{
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");

    private static readonly Gen<IPAddress> Ipv4 = Gen.UInt.Select(n => new IPAddress(BitConverter.GetBytes(n)));

    private static readonly Gen<(Advertisement Advert, IPAddress Source, ChecksumForm Form)> Adverts =
        Gen.Select(Gen.Bool, Gen.Byte[1, 255], Gen.Byte, Gen.Int[1, 4095], Ipv4.Array[1, 20], Gen.Byte.Array[8, 8], Ipv4, Gen.Bool)
            .Select(t =>
            {
                var (v3, vrid, priority, interval, addresses, auth, source, messageOnly) = t;
                var advert = v3
                    ? new Advertisement(VrrpVersion.V3, vrid, priority, (ushort)interval, addresses)
                    : new Advertisement(VrrpVersion.V2, vrid, priority, (ushort)(interval % 255 + 1), addresses, AuthenticationType.SimplePassword, auth);
                return (advert, source, messageOnly ? ChecksumForm.MessageOnly : ChecksumForm.PseudoHeader);
            });

    [Fact]
    public void Decode_of_encode_is_identity()
    {
        Adverts.Sample(x =>
        {
            var bytes = AdvertisementCodec.Encode(x.Advert, x.Source, Group, x.Form);
            var decoded = AdvertisementCodec.Decode(bytes, x.Source, Group);
            Assert.True(decoded.Ok, decoded.Drop.ToString());
            Assert.Equal(x.Advert, decoded.Advertisement);
            var expectedForm = x.Advert.Version == VrrpVersion.V2 ? ChecksumForm.MessageOnly : x.Form;
            // a pseudo-header summing to zero (one's complement) makes both forms the same checksum
            var pseudo = InternetChecksum.Fold(InternetChecksum.PseudoHeaderSum(x.Source, Group, bytes.Length));
            if (x.Advert.Version == VrrpVersion.V2 || pseudo is not (0 or 0xFFFF))
                Assert.Equal(expectedForm, decoded.MatchedForm);
        }, iter: 2000);
    }

    [Fact]
    public void Any_single_bit_flip_is_rejected_when_the_receiver_expects_one_checksum_form()
    {
        Adverts.Sample(x =>
        {
            var bytes = AdvertisementCodec.Encode(x.Advert, x.Source, Group, x.Form);
            var acceptance = x.Form == ChecksumForm.MessageOnly ? ChecksumAcceptance.MessageOnly : ChecksumAcceptance.PseudoHeader;
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                var decoded = AdvertisementCodec.Decode(bytes, x.Source, Group, acceptance);
                Assert.False(decoded.Ok, $"bit {bit} flipped in {Convert.ToHexString(bytes)} was accepted");
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }, iter: 300);
    }

    [Fact]
    public void Accepting_both_v3_forms_lets_a_flip_through_only_when_the_pseudo_header_sum_is_a_power_of_two()
    {
        // Accepting both IPv4 v3 forms (as RFC 9568's transition needs) costs a sliver of the checksum's power:
        // a flip of bit k turns a valid pseudo-header checksum into a valid message-only one exactly when the
        // pseudo-header's one's-complement sum is ±2^k. Everything else is still caught.
        Adverts.Where(x => x.Advert.Version == VrrpVersion.V3).Sample(x =>
        {
            var bytes = AdvertisementCodec.Encode(x.Advert, x.Source, Group, x.Form);
            var pseudo = InternetChecksum.Fold(InternetChecksum.PseudoHeaderSum(x.Source, Group, bytes.Length));
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                var decoded = AdvertisementCodec.Decode(bytes, x.Source, Group, ChecksumAcceptance.Both);
                if (decoded.Ok)
                {
                    var k = (bit % 8) + (bit / 8 % 2 == 0 ? 8 : 0);
                    var power = (ushort)(1 << k);
                    Assert.True(pseudo == power || pseudo == (ushort)~power, $"bit {bit} slipped through with pseudo-header sum {pseudo:x4}");
                    Assert.NotEqual(x.Form, decoded.MatchedForm);
                }
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }, iter: 300);
    }
}
