using System.Net;
using HaStack.Infra.Config;

namespace HaStack.Infra.Tls;

/// <summary>
/// The names a host's certificate must carry for every client that checks it: its stack name, its address, the
/// loopback (Patroni and etcdctl talk to their own host by 127.0.0.1) and the VIP on every host a client of the VIP
/// may end its TLS at with <c>sslmode=verify-full</c>: the VIP's own hosts, PgBouncer's (HAProxy passes the bytes
/// through) and PostgreSQL's (reads go straight to it when PgBouncer sits on the proxies).
/// </summary>
internal sealed record CertificateNames(string HostName, IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses)
{
    public static CertificateNames For(StackConfig config, HostConfig host)
    {
        var addresses = new List<IPAddress> { IPAddress.Parse(host.Address), IPAddress.Loopback };
        if (config.VipHosts.Any(h => h.Name == host.Name) || host.Has(HostRole.Db) || host.Has(config.PoolerRole))
            addresses.Add(IPAddress.Parse(config.Vip.Address));
        return new CertificateNames(host.Name, [host.Name, "localhost"], addresses.Distinct().ToList());
    }

    /// <summary>The same names in any order.</summary>
    public bool SameAs(CertificateNames other) =>
        DnsNames.Order(StringComparer.Ordinal).SequenceEqual(other.DnsNames.Order(StringComparer.Ordinal), StringComparer.Ordinal) &&
        Addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal).SequenceEqual(other.Addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal));
}
