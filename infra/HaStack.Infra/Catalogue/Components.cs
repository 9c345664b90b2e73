using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>
/// The components HaStack deploys, and which of them a host runs. Each component's record, paths and names are in
/// its folder under <c>Components/</c> (a part of this class each).
/// </summary>
internal static partial class Components
{
    private static IReadOnlyList<string> None(StackConfig _) => [];

    /// <summary>Where every data directory HaStack makes lives: --purge-data removes nothing outside these.</summary>
    public static readonly IReadOnlyList<string> DataRoots = ["/var/lib/postgresql/", "/var/lib/etcd/"];

    /// <summary>
    /// Where HaStack sets a packaged unit's recovery: a drop-in, so Debian's unit stays as shipped. Written before the
    /// service first starts; a change takes effect on systemd's reload, without touching the running service.
    /// </summary>
    public static ComponentFile RecoveryDropIn(string unit) =>
        new("service-recovery.conf.sbn", $"/etc/systemd/system/{unit}.service.d/50-hastack-recovery.conf", "0644", "root", "root", FileEffect.None);

    /// <summary>
    /// The host's key for a service that runs as <paramref name="user"/>, readable by that user only, written after
    /// the package that makes the user. A renewed key (and certificate: the service's step comes after both) asks
    /// <paramref name="effect"/> of the service: nothing of etcd (it reads its files again for each new connection),
    /// a reload of Patroni (PostgreSQL and the REST API take the new pair on Patroni's SIGHUP) and of PgBouncer.
    /// </summary>
    private static ComponentFile TlsKeyCopy(string path, string user, FileEffect effect) =>
        new("tls-host.key.sbn", path, "0600", user, user, effect, UsesTls);

    private static bool UsesTls(StackConfig c) => c.Tls.Enabled;

    /// <summary>Every component, in start order. A property, not a field: the records are fields of this class's other
    /// parts (one per component folder), whose initialisation order relative to this file's is not defined.</summary>
    public static IReadOnlyList<Component> All => [Host, Tls, Etcd, Postgres, PgBouncer, Haproxy, Agent];

    /// <summary>What <paramref name="host"/> runs, in start order: etcd before the database, the proxy, then the agent.</summary>
    public static IReadOnlyList<Component> On(StackConfig config, HostConfig host)
    {
        var on = new List<Component> { Host, Tls };
        if (host.Has(HostRole.Etcd))
            on.Add(Etcd);
        if (host.Has(HostRole.Db))
            on.Add(Postgres);
        if (host.Has(config.PoolerRole))
            on.Add(PgBouncer);
        if (host.Has(HostRole.Proxy))
            on.Add(Haproxy);
        if (config.VipHosts.Contains(host))
            on.Add(Agent);
        return on;
    }

    /// <summary>The component serving the VIP's layer: what the agent tracks and the failover proof stops.</summary>
    public static Component Layer(VipLayer layer) => layer switch
    {
        VipLayer.Haproxy => Haproxy,
        VipLayer.Pgbouncer => PgBouncer,
        _ => Postgres,
    };

    /// <summary>Every service name a package may start on install, for the install guard.</summary>
    public static IReadOnlyList<string> GuardedServices => All.SelectMany(c => c.GuardedServices).ToList();
}
