using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Config;

public static partial class ConfigLoader
{
    /// <summary>Values: words, numbers, durations and addresses, each with its error naming the keyword and the fix.</summary>
    private sealed partial class Reader
    {
        private static string? FirstArgument(ConfigNode node) => node.Arguments.Count > 0 ? node.Arguments[0] : null;

        private IReadOnlyList<ConfigNode> BlockItems(ConfigNode node)
        {
            if (node.Block is not null)
                return node.Block;
            Error(node.Location, $"{node.Keyword} needs a block: {node.Keyword} {{ ... }}");
            return [];
        }

        private bool Reverse(ConfigNode node, int index)
        {
            var args = node.Arguments;
            if (args.Count <= index)
                return false;
            if (args[index] == "reverse")
                return true;
            Error(node.Location, $"'{args[index]}' after the weight: only 'reverse' may follow it");
            return false;
        }

        private T Invalid<T>(ConfigNode node, string message)
        {
            Error(node.Location, message);
            return default!;
        }

        private string? Word(ConfigNode node)
        {
            if (node.Arguments.Count == 0)
            {
                Error(node.Location, $"{node.Keyword} needs a value");
                return null;
            }
            if (node.Arguments.Count > 1 && node.Keyword is not ("script_user" or "user"))
                Warning(node.Location, $"{node.Keyword} takes one value; '{string.Join(' ', node.Arguments.Skip(1))}' is ignored");
            return node.Arguments[0];
        }

        private string? Command(ConfigNode node)
        {
            if (node.Arguments.Count > 0)
                return string.Join(' ', node.Arguments);
            Error(node.Location, $"{node.Keyword} needs a script to run, e.g. {node.Keyword} \"/etc/hastack/notify.sh\"");
            return null;
        }

        private void NoArguments(ConfigNode node)
        {
            if (node.Arguments.Count > 0)
                Warning(node.Location, $"{node.Keyword} takes no value; '{string.Join(' ', node.Arguments)}' is ignored");
        }

        private bool OptionalBool(ConfigNode node)
        {
            if (node.Arguments.Count == 0)
                return true;
            switch (node.Arguments[0].ToLowerInvariant())
            {
                case "true" or "on" or "yes": return true;
                case "false" or "off" or "no": return false;
                default:
                    Error(node.Location, $"{node.Keyword} {node.Arguments[0]}: use true or false (or nothing, meaning true)");
                    return false;
            }
        }

        private VrrpVersion? Version(ConfigNode node) => Word(node) switch
        {
            "2" => VrrpVersion.V2,
            "3" => VrrpVersion.V3,
            null => null,
            var other => Invalid<VrrpVersion?>(node, $"{node.Keyword} {other}: use 2 (RFC 3768) or 3 (RFC 9568)"),
        };

        private int? Integer(ConfigNode node, int min, int max) =>
            Word(node) is { } text ? IntegerText(node, text, min, max) : null;

        private int? IntegerText(ConfigNode node, string text, int min, int max)
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                return value;
            Error(node.Location, $"{node.Keyword} {text}: must be a whole number from {min} to {max}");
            return null;
        }

        private decimal? Decimal(ConfigNode node)
        {
            if (Word(node) is not { } text)
                return null;
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return value;
            Error(node.Location, $"{node.Keyword} {text}: must be a number of seconds, e.g. 1 or 0.1");
            return null;
        }

        private TimeSpan? Seconds(ConfigNode node, decimal min, decimal max)
        {
            if (Decimal(node) is not { } value)
                return null;
            if (value >= min && value <= max)
                return TimeSpan.FromTicks((long)(value * TimeSpan.TicksPerSecond));
            Error(node.Location, $"{node.Keyword} {value}: must be from {min} to {max} seconds");
            return null;
        }

        private static string? NotUnicast(IPAddress address)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
                return address.Equals(IPAddress.IPv6Any) ? "the unspecified address" : address.IsIPv6Multicast ? "a multicast address" : null;
            var first = address.GetAddressBytes()[0];
            return first == 0 ? "in 0.0.0.0/8 (\"this network\")"
                : first is >= 224 and <= 239 ? "a multicast address (224.0.0.0/4; VRRP's own group is 224.0.0.18)"
                : first >= 240 ? (address.Equals(IPAddress.Broadcast) ? "the broadcast address" : "in the reserved 240.0.0.0/4")
                : null;
        }

        private IPAddress? Address(ConfigNode node, string? text, AddressFamily? family)
        {
            if (text is null)
            {
                Error(node.Location, $"{node.Keyword} needs an IP address");
                return null;
            }
            if (IPAddress.TryParse(text, out var address) && (family is null || address.AddressFamily == family)
                && text.Count(c => c == '.') is 3 or 0
                // 10.0.0.0100 parses as 10.0.0.100; each program reading such text reads it its own way
                && (address.AddressFamily != AddressFamily.InterNetwork || address.ToString() == text))
            {
                if (NotUnicast(address) is not { } kind)
                    return address;
                Error(node.Location, $"'{text}' is {kind}: no router can own it or be reached at it; write a unicast address like 10.0.0.100");
                return null;
            }
            Error(node.Location, $"'{InterfaceName.Printable(text)}' is not an IP{(family == AddressFamily.InterNetwork ? "v4" : "")} address; write it like 10.0.0.100 (no leading zeros)");
            return null;
        }
    }
}
