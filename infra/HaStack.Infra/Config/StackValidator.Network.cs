using System.Net;
using System.Net.Sockets;

namespace HaStack.Infra.Config;

/// <summary>The rules of the VIP and the addresses it lives among.</summary>
internal static partial class StackValidator
{
    private static void CheckVip(StackConfig config, Reporter error)
    {
        var vip = config.Vip;
        var placement = config.PgBouncer.Placement;
        // measured in the lab: after the proof moved the VIP to a replica's host, writes through it landed on that replica
        if (vip.FloatsOver == VipLayer.Pgbouncer && placement == PoolerPlacement.Database)
            error("vip-pgbouncer-layer", "vip.floatsOver", "pgbouncer",
                "puts the VIP on the database hosts' PgBouncers (pgbouncer.placement: database), each in front of its own PostgreSQL: once the VIP moves to a replica's host, writes through it go to a replica",
                "set pgbouncer.placement: proxy (PgBouncer on the proxies, in front of HAProxy), or float the VIP over haproxy or database");
        if (vip.FloatsOver == VipLayer.Database && placement == PoolerPlacement.Proxy)
            error("vip-database-pooler-proxy", "pgbouncer.placement", "proxy",
                "puts PgBouncer on the proxies while the VIP follows the primary (vip.floatsOver: database): clients at the VIP would reach PostgreSQL past every pooler",
                "float the VIP over haproxy or pgbouncer (the proxies), or keep pgbouncer.placement: database");
        var vipValid = IsIpv4(vip.Address);
        if (vip.Address.Length > 0 && !vipValid)
            error("vip-address", "vip.address", vip.Address, "is not an IPv4 address in dotted-quad form", "write ADDRESS/PREFIX, e.g. 10.0.0.100/24, without leading zeros");
        else if (vipValid && NotUnicast(vip.Address) is { } kind)
        {
            error("vip-address-not-unicast", "vip.address", vip.Address, $"is {kind}: clients cannot connect to it", "pick an unused unicast address in the hosts' subnet");
            vipValid = false;
        }
        if (vip.PrefixLength == -1 && vip.Address.Length > 0)
            error("vip-prefix", "vip.address", vip.Address, "has no prefix length", "add the subnet's prefix, e.g. /24, as the hosts' interface has it");
        else if (vip.PrefixLength is -2 or (< 1 and > -1) or > 32)
            error("vip-prefix", "vip.address", vip.Address, "has a prefix length outside 1-32", "write the prefix of the hosts' subnet, e.g. /24");
        if (vipValid && vip.PrefixLength is >= 1 and <= 32)
        {
            var holder = config.Hosts.Select((h, i) => (h, i)).FirstOrDefault(x => x.h.Address == vip.Address);
            if (holder.h is not null)
                error("vip-is-host-address", "vip.address", vip.Address, $"is the address of {holder.h.Name}; a host's own address cannot float",
                    "pick an unused address in the hosts' subnet");
            var (network, broadcast) = Subnet(vip.Address, vip.PrefixLength);
            if (vip.PrefixLength <= 30 && (Ip(vip.Address) == network || Ip(vip.Address) == broadcast))
                error("vip-network-address", "vip.address", vip.Address, "is the subnet's network or broadcast address", "pick an unused host address in the subnet");
            var outside = config.VipHosts.Where(h => IsIpv4(h.Address) && Subnet(h.Address, vip.PrefixLength).Network != network).ToList();
            if (outside.Count > 0 && vip.PrefixLength == 32)
                error("vip-prefix", "vip.address", vip.Address, "has prefix /32, a subnet of the VIP alone: no host is in it, and VRRP and gratuitous ARP work within the hosts' segment",
                    "write the prefix of the hosts' subnet, e.g. /24");
            else if (outside.Count > 0)
            {
                var hostSubnet = $"{FormatIp(Subnet(outside[0].Address, vip.PrefixLength).Network)}/{vip.PrefixLength}";
                error("vip-outside-subnet", "vip.address", vip.Address,
                    $"is not in the subnet of {string.Join(", ", outside.Select(h => $"{h.Name} ({h.Address})"))}, which must hold it ({hostSubnet}); VRRP and gratuitous ARP work within one segment",
                    $"pick an unused address in {hostSubnet}");
            }
        }
        if (vip.RouterId is < 1 or > 255)
            error("router-id-range", "vip.routerId", vip.RouterId, "is not a VRRP router id", "use 1-255, unique among the VRRP groups on this network segment");
        if (vip.VrrpVersion is not (2 or 3))
            error("vrrp-version", "vip.vrrpVersion", vip.VrrpVersion, "is not a VRRP version HaStack speaks", "use 3 (RFC 9568), or 2 (RFC 3768) for old peers");
        else if (vip.VrrpVersion == 2 && (vip.AdvertInterval is < 1 or > 255 || vip.AdvertInterval != decimal.Truncate(vip.AdvertInterval)))
            error("advert-interval-range", "vip.advertInterval", vip.AdvertInterval, "is not a VRRPv2 interval (whole seconds 1-255)",
                "use a whole number of seconds, or vrrpVersion 3 for sub-second intervals");
        else if (vip.VrrpVersion == 3 && (vip.AdvertInterval is < 0.01m or > 40.95m || vip.AdvertInterval * 100 != decimal.Truncate(vip.AdvertInterval * 100)))
            error("advert-interval-range", "vip.advertInterval", vip.AdvertInterval, "is not a VRRPv3 interval (0.01-40.95 s in hundredths)",
                "use e.g. 0.1 (fast failover) or 1");
        if (vip.AuthPassword is { } pass)
        {
            if (vip.VrrpVersion == 3)
                error("vrrp-auth-v3", "vip.authPassword", "[secret]", "is set, but VRRPv3 has no authentication (RFC 9568 removed it)",
                    "remove it, or use vrrpVersion 2 to talk to peers that need auth_type PASS");
            else if (pass.Reveal().Length is 0 or > 8)
                error("vrrp-auth-length", "vip.authPassword", "[secret]", "must be 1-8 characters (VRRPv2's simple password field is 8 bytes)",
                    "set a password of at most 8 characters");
            else if (!VrrpPasswordPattern().IsMatch(pass.Reveal()))
                error("vrrp-auth-characters", "vip.authPassword", "[secret]",
                    "holds a character keepalived's config syntax cannot carry in a word (a space, '#', '!', a quote, a brace or a backslash)",
                    "use letters, digits and punctuation other than those");
        }
        if (!HaStack.Vrrp.Config.InterfaceName.IsValid(vip.Interface))
            error("interface-name", "vip.interface", vip.Interface, $"is not a Linux interface name: {HaStack.Vrrp.Config.InterfaceName.Rule}", "write the interface that holds the hosts' addresses, e.g. eth0");
    }

    /// <summary>
    /// An IPv4 address in canonical dotted-quad form only: .NET also reads 10.77.0.017 (octal 15) or 0x0a..., and
    /// such text would reach configs raw, where each program reads it its own way.
    /// </summary>
    public static bool IsIpv4(string text) =>
        IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == text;

    /// <summary>What kind of address <paramref name="ipv4"/> (canonical) is when no host can own it, or null for a unicast one.</summary>
    public static string? NotUnicast(string ipv4) => (Ip(ipv4) >> 24) switch
    {
        0 => "in 0.0.0.0/8 (\"this network\")",
        >= 224 and <= 239 => "a multicast address (224.0.0.0/4)",
        >= 240 => Ip(ipv4) == uint.MaxValue ? "the broadcast address" : "in the reserved 240.0.0.0/4",
        _ => null,
    };

    private static uint Ip(string text) => BitConverter.ToUInt32(IPAddress.Parse(text).GetAddressBytes().Reverse().ToArray());

    private static string FormatIp(uint value) => new IPAddress(BitConverter.GetBytes(value).Reverse().ToArray()).ToString();

    private static (uint Network, uint Broadcast) Subnet(string address, int prefix)
    {
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var ip = Ip(address);
        return (ip & mask, (ip & mask) | ~mask);
    }
}
