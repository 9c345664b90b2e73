using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Patroni component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    public static string PostgresDataDirectory(StackConfig c) => PostgresDataDirectory(c.PostgresVersion);

    public static string PostgresDataDirectory(int version) => $"/var/lib/postgresql/{version}/main";

    public static string PostgresBinDirectory(StackConfig c) => $"/usr/lib/postgresql/{c.PostgresVersion}/bin";

    /// <summary>Debian's socket directory, where PostgreSQL listens locally: PgBouncer, the agent's check and HaStack's own commands connect through it.</summary>
    public const string PostgresSocketDirectory = "/var/run/postgresql";

    public const string PatroniKeyPath = TlsDirectory + "postgres.key";

    /// <summary>PostgreSQL under Patroni: the unit is Patroni's; postgresql-common's own cluster creation is guarded off.</summary>
    public static readonly Component Postgres = new("patroni", "patroni",
        c => [$"postgresql-{c.PostgresVersion}", "patroni", "python3-psycopg2", "python3-etcd"],
        [
            new("createcluster.conf.sbn", "/etc/postgresql-common/createcluster.d/50-hastack.conf", "0644", "root", "root", FileEffect.InstallGuard),
            new("patroni.yml.sbn", "/etc/patroni/config.yml", "0600", "postgres", "postgres", FileEffect.Reload),
            // the key of Patroni's certificate: its etcd client, its REST API and PostgreSQL's TLS (the sync guard reads it too)
            TlsKeyCopy(PatroniKeyPath, "postgres", FileEffect.Reload),
            RecoveryDropIn("patroni"),
            // Patroni before 3.1.2 can lose synchronous_standby_names when it restarts beside a running PostgreSQL: the
            // guard repairs it; Patroni's unit starts it, so these files apply from the next start or reload of Patroni
            new("patroni_sync_guard.py", PatroniSyncGuardPath, "0755", "root", "root", FileEffect.None, NeedsSyncGuard),
            new("patroni-sync-guard.service.sbn", $"/etc/systemd/system/{PatroniSyncGuardUnit}", "0644", "root", "root", FileEffect.None, NeedsSyncGuard),
            new("patroni-sync-guard.conf.sbn", "/etc/systemd/system/patroni.service.d/60-hastack-sync-guard.conf", "0644", "root", "root", FileEffect.None, NeedsSyncGuard),
            // Patroni 3.0 can take the leader key back after a network cut: it starts through a launcher that renews it
            // by compare-and-swap, as Patroni 4 does. In place before Patroni first starts; on a running cluster they
            // apply from Patroni's next start, as the guard's do (restarting Patroni stops PostgreSQL, on the primary too)
            new("patroni_safe_leader.py", PatroniSafeLeaderPath, "0755", "root", "root", FileEffect.None, NeedsSafeLeader),
            new("patroni-safe-leader.conf.sbn", "/etc/systemd/system/patroni.service.d/55-hastack-safe-leader.conf", "0644", "root", "root", FileEffect.None, NeedsSafeLeader),
        ],
        [new("postgres.port", c => c.Postgres.Port), new("patroni.restPort", c => c.Patroni.RestPort)],
        // a replica is ready when it runs and streams; its first clone can take a while
        (c, h) => new ReadinessProbe(ProbeKind.HttpOk, Graph.SqlTarget.Of(c, h).Url("/health"), 300),
        c => [PostgresDataDirectory(c)],
        ["postgresql", "postgresql@*", "patroni", "patroni@*"],
        // KillMode=process (Debian's): PostgreSQL keeps serving while Patroni is down, and the new Patroni adopts it
        new("always", 1, "a Patroni that dies is back before its leader lock (ttl) runs out, so the primary stays"))
    {
        Wiring = Graph.PatroniGraph.Service,
        AfterHosts = Graph.PatroniGraph.Cluster,
        Model = Rendering.PatroniModel.Of,
    };

    private static bool NeedsSyncGuard(StackConfig c) => c.Release.PatroniLosesSyncStandbyOnRestart;

    private static bool NeedsSafeLeader(StackConfig c) => c.Release.PatroniOverwritesLeaderKey || c.Release.PatroniDemotesOnEtcdErrors;

    public const string PatroniSyncGuardPath = "/usr/local/lib/hastack/patroni-sync-guard";
    /// <summary>Named patroni, so the process is "patroni" as the packaged one is (the agent tracks Patroni by name on the database layer).</summary>
    public const string PatroniSafeLeaderPath = "/usr/local/lib/hastack/safe-leader/patroni";

    public const string PatroniSyncGuardUnit = "hastack-patroni-sync-guard.service";

    /// <summary>The cluster-wide SQL setup, run on the primary; not a file on any host.</summary>
    public static readonly ComponentFile SqlSetup = new("cluster-setup.sql.sbn", "cluster-setup.sql", "0600", "postgres", "postgres", FileEffect.None);
}
