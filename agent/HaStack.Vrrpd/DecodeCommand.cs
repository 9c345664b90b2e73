using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrpd;

/// <summary>
/// <c>decode [--src IP --dst IP] HEX</c>: one JSON object describing the packet; exit 0 when a router configured
/// for its VRID, version, interval and addresses would accept it, else 1 with the drop reason.
/// </summary>
public static class DecodeCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        string? src = null, dst = null, hex = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--src" when i + 1 < args.Count: src = args[++i]; break;
                case "--dst" when i + 1 < args.Count: dst = args[++i]; break;
                default: hex = hex is null ? args[i] : hex + args[i]; break;
            }
        }
        if (hex is null || (src is null) != (dst is null))
        {
            Console.Error.WriteLine("usage: hastack-vrrpd decode HEX | decode --src IP --dst IP HEX");
            return 2;
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(new string(hex.Where(Uri.IsHexDigit).ToArray()));
        }
        catch (FormatException)
        {
            Console.Error.WriteLine("decode: HEX must be an even number of hex digits");
            return 2;
        }

        int? ttl = null;
        IPAddress source, destination;
        ReadOnlySpan<byte> message = bytes;
        if (src is null)
        {
            var (ip, drop) = Ipv4Packet.Parse(bytes);
            if (ip is not { } header)
                return Print(output, null, drop, null, null, null);
            if (drop is not null)
                return Print(output, null, drop, header.Ttl, header.Source, header.Destination);
            ttl = header.Ttl;
            (source, destination) = (header.Source, header.Destination);
            message = bytes.AsSpan(header.PayloadOffset, header.PayloadLength);
        }
        else if (!IPAddress.TryParse(src, out source!) || !IPAddress.TryParse(dst, out destination!))
        {
            Console.Error.WriteLine("decode: --src and --dst must be IP addresses");
            return 2;
        }

        var decoded = AdvertisementCodec.Decode(message, source, destination);
        if (decoded.Advertisement is not { } advert)
            return Print(output, null, decoded.Drop, ttl, source, destination, decoded.Checksum);
        // Judge it as the router it was meant for would: same VRID, version, interval, addresses and auth.
        var policy = new ReceivePolicy(advert.Version, advert.VirtualRouterId, advert.IntervalField, advert.Addresses, advert.AuthType, advert.AuthData);
        var verdict = ReceiveValidator.Validate(message, ttl ?? 255, source, destination, _ => policy);
        return Print(output, advert, verdict.Drop, ttl, source, destination, decoded.Checksum, decoded.MatchedForm);
    }

    private static int Print(TextWriter output, Advertisement? advert, DropReason? drop, int? ttl, IPAddress? source,
        IPAddress? destination, ushort checksum = 0, ChecksumForm? form = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("accepted", drop is null);
            if (drop is { } reason)
                json.WriteString("dropReason", reason.Code());
            if (source is not null)
                json.WriteString("source", source.ToString());
            if (destination is not null)
                json.WriteString("destination", destination.ToString());
            if (ttl is { } t)
                json.WriteNumber("ttl", t);
            if (advert is not null)
            {
                json.WriteNumber("version", (int)advert.Version);
                json.WriteNumber("type", Advertisement.MessageType);
                json.WriteNumber("vrid", advert.VirtualRouterId);
                json.WriteNumber("priority", advert.Priority);
                json.WriteNumber("count", advert.Addresses.Count);
                json.WriteNumber("advertInterval", advert.IntervalField);
                json.WriteString("advertIntervalUnit", advert.Version == VrrpVersion.V2 ? "s" : "cs");
                json.WriteStartArray("addresses");
                foreach (var address in advert.Addresses)
                    json.WriteStringValue(address.ToString());
                json.WriteEndArray();
                if (advert.Version == VrrpVersion.V2)
                {
                    json.WriteNumber("authType", (int)advert.AuthType);
                    json.WriteString("authData", AuthDataText(advert));
                }
            }
            json.WriteString("checksum", "0x" + checksum.ToString("x4", CultureInfo.InvariantCulture));
            if (form is { } matched)
                json.WriteString("checksumForm", matched == ChecksumForm.MessageOnly ? "message" : "pseudo-header");
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        if (drop is { } dropped)
            Console.Error.WriteLine($"dropped: {dropped.Code()}");
        return drop is null ? 0 : 1;
    }

    // PASS data is text padded with zeros; anything else is shown as hex.
    private static string AuthDataText(Advertisement advert)
    {
        var data = advert.AuthDataOrZeros;
        var text = data.TrimEnd((byte)0);
        return advert.AuthType == AuthenticationType.SimplePassword && text.ToArray().All(b => b is >= 0x20 and < 0x7F)
            ? Encoding.ASCII.GetString(text)
            : Convert.ToHexString(data).ToLowerInvariant();
    }
}
