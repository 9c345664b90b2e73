using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The components HaStack deploys, and which of them a host runs.</summary>
internal static class Components
{
    private static IReadOnlyList<string> None(StackConfig _) => [];

    public static string PostgresDataDirectory(StackConfig c) => PostgresDataDirectory(c.PostgresVersion);

    public static string PostgresDataDirectory(int version) => $"/var/lib/postgresql/{version}/main";

    public const string EtcdDataRoot = "/var/lib/etcd/";

    public static string PostgresBinDirectory(StackConfig c) => $"/usr/lib/postgresql/{c.PostgresVersion}/bin";

    /// <summary>Not Debian's /var/lib/etcd/default: a member must join with a data directory of its own cluster only.</summary>
    public static string EtcdDataDirectory(StackConfig c) => EtcdDataRoot + c.Patroni.Scope;

    /// <summary>Where every data directory HaStack makes lives: --purge-data removes nothing outside these.</summary>
    /// <summary>Written before an etcd member's first start (<see cref="Operations.HostOperations.StartService"/>): the cluster it starts in.</summary>
    public const string EtcdJoinEnvironmentPath = "/etc/default/etcd-join";

    public static readonly IReadOnlyList<string> DataRoots = ["/var/lib/postgresql/", "/var/lib/etcd/"];

    /// <summary>
    /// Where HaStack sets a packaged unit's recovery: a drop-in, so Debian's unit stays as shipped. Written before the
    /// service first starts; a change takes effect on systemd's reload, without touching the running service.
    /// </summary>
    public static ComponentFile RecoveryDropIn(string unit) =>
        new("service-recovery.conf.sbn", $"/etc/systemd/system/{unit}.service.d/50-hastack-recovery.conf", "0644", "root", "root", FileEffect.None);

    /// <summary>Every host: Debian's install guard, in place before any package, so no package starts a service on a stock config.</summary>
    public static readonly Component Host = new("host", null, None,
        [new("policy-rc.d.sbn", "/usr/sbin/policy-rc.d", "0755", "root", "root", FileEffect.InstallGuard)],
        [], null, None, []);

    /// <summary>
    /// Every host: the cluster's CA certificate and the host's own certificate and key (the key root's: what HaStack's
    /// own commands, etcdctl among them, present), in place before the services that read them. A service that runs as
    /// another user reads a copy of the key of its own (<see cref="TlsKeyCopy"/>).
    /// </summary>
    public static readonly Component Tls = new("tls", null, None,
        [
            new("tls-ca.crt.sbn", TlsCaPath, "0644", "root", "root", FileEffect.None),
            new("tls-host.crt.sbn", TlsCertificatePath, "0644", "root", "root", FileEffect.None),
            new("tls-host.key.sbn", TlsKeyPath, "0600", "root", "root", FileEffect.None),
        ],
        [], null, None, []);

    public const string TlsDirectory = "/etc/hastack/tls/";
    public const string TlsCaPath = TlsDirectory + "ca.crt";
    public const string TlsCertificatePath = TlsDirectory + "host.crt";
    public const string TlsKeyPath = TlsDirectory + "host.key";
    public const string EtcdKeyPath = TlsDirectory + "etcd.key";
    public const string PatroniKeyPath = TlsDirectory + "postgres.key";
    public const string PgBouncerKeyPath = TlsDirectory + "pgbouncer.key";

    /// <summary>
    /// The host's key for a service that runs as <paramref name="user"/>, readable by that user only, written after
    /// the package that makes the user. A renewed key (and certificate: the service's step comes after both) asks
    /// <paramref name="effect"/> of the service: nothing of etcd (it reads its files again for each new connection),
    /// a reload of Patroni (PostgreSQL and the REST API take the new pair on Patroni's SIGHUP) and of PgBouncer.
    /// </summary>
    private static ComponentFile TlsKeyCopy(string path, string user, FileEffect effect) =>
        new("tls-host.key.sbn", path, "0600", user, user, effect, UsesTls);

    private static bool UsesTls(StackConfig c) => c.Tls.Enabled;

    public static readonly Component Etcd = new("etcd", "etcd",
        _ => ["etcd-server", "etcd-client"],
        [
            new("etcd.env.sbn", "/etc/default/etcd", "0644", "root", "root", FileEffect.Restart),
            RecoveryDropIn("etcd"),
            // how the member joins (a new cluster, or a running one it was added to) is decided when it first starts
            new("etcd-join.conf.sbn", "/etc/systemd/system/etcd.service.d/40-hastack-join.conf", "0644", "root", "root", FileEffect.None),
            TlsKeyCopy(EtcdKeyPath, "etcd", FileEffect.None),
        ],
        [new("etcd.clientPort", c => c.Etcd.ClientPort), new("etcd.peerPort", c => c.Etcd.PeerPort)],
        (c, _) => new ReadinessProbe(c.Tls.Enabled ? ProbeKind.EtcdHealthTls : ProbeKind.EtcdHealth, $"{c.Etcd.ClientPort}", 90),
        c => [EtcdDataDirectory(c)],
        ["etcd"],
        // Debian's on-abnormal leaves a member that exited with an error down: the quorum is one failure from lost
        new("always", 1, "a member that stops for any reason rejoins, so the quorum keeps its margin"));

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
        new("always", 1, "a Patroni that dies is back before its leader lock (ttl) runs out, so the primary stays"));

    private static bool NeedsSyncGuard(StackConfig c) => c.Release.PatroniLosesSyncStandbyOnRestart;

    private static bool NeedsSafeLeader(StackConfig c) => c.Release.PatroniOverwritesLeaderKey || c.Release.PatroniDemotesOnEtcdErrors;

    public static readonly Component PgBouncer = new("pgbouncer", "pgbouncer",
        // psql for the admin console (a switchover's PAUSE): a database host has it already, a proxy host does not
        c => c.PgBouncer.Placement == PoolerPlacement.Proxy ? ["pgbouncer", $"postgresql-client-{c.PostgresVersion}"] : ["pgbouncer"],
        [
            new("pgbouncer.ini.sbn", "/etc/pgbouncer/pgbouncer.ini", "0640", "postgres", "postgres", FileEffect.Reload),
            new("pgbouncer-userlist.txt.sbn", PgBouncerUserlistPath, "0600", "postgres", "postgres", FileEffect.Reload),
            // its own copy: PgBouncer may sit on a proxy host, where no PostgreSQL's is
            TlsKeyCopy(PgBouncerKeyPath, "postgres", FileEffect.Reload),
            RecoveryDropIn("pgbouncer"),
        ],
        [new("pgbouncer.port", c => c.PgBouncer.Port)],
        (c, _) => new ReadinessProbe(ProbeKind.TcpListen, $"{c.PgBouncer.Port}", 30),
        None,
        ["pgbouncer"],
        // Debian ships Restart=no: one crash of the primary's PgBouncer cut every write until someone noticed
        new("always", 0.5, "a PgBouncer that dies is back before clients give up on it"));

    public static readonly Component Haproxy = new("haproxy", "haproxy",
        _ => ["haproxy"],
        [
            // before the config that loads it: HAProxy checks both at each reload
            new("haproxy-end-sessions.lua.sbn", HaproxyEndSessionsPath, "0644", "root", "root", FileEffect.Reload),
            new("haproxy.cfg.sbn", "/etc/haproxy/haproxy.cfg", "0644", "root", "root", FileEffect.Reload),
            RecoveryDropIn("haproxy"),
        ],
        [new("haproxy.writePort", c => c.Haproxy.WritePort), new("haproxy.readPort", c => c.Haproxy.ReadPort), new("haproxy.statsPort", c => c.Haproxy.StatsPort)],
        (c, _) => new ReadinessProbe(ProbeKind.TcpListen, $"{c.Haproxy.WritePort}", 30),
        None,
        ["haproxy"],
        // Debian's always, with systemd's default start limit (5 in 10 s) that a crash loop exhausts for good
        new("always", 0.5, "a proxy that dies comes back; meanwhile the VIP has moved to another one"));

    /// <summary>
    /// How long HaStack's Lua task lets a server that answered its check as the wrong role (a switchover, a demotion,
    /// a crashed postmaster) keep its sessions: at once where HAProxy ends sessions cleanly, 1 s where ending them
    /// strands a connect still in setup (HAProxy 3.0). The task, not <c>on-marked-down shutdown-sessions</c>, ends them
    /// on every release, because only it can tell that case from a server that stopped answering (a killed Patroni,
    /// whose primary keeps serving its sessions meanwhile).
    /// </summary>
    public static int AnsweredDownGraceMs(StackConfig c) => c.Release.HaproxyStrandsConnectsOnShutdownSessions ? 1000 : 0;

    public const string HaproxyEndSessionsPath = "/etc/haproxy/hastack-end-sessions.lua";

    public const string PgBouncerUserlistPath = "/etc/pgbouncer/userlist.txt";

    public const string PatroniSyncGuardPath = "/usr/local/lib/hastack/patroni-sync-guard";
    /// <summary>Named patroni, so the process is "patroni" as the packaged one is (the agent tracks Patroni by name on the database layer).</summary>
    public const string PatroniSafeLeaderPath = "/usr/local/lib/hastack/safe-leader/patroni";
    public const string PatroniSyncGuardUnit = "hastack-patroni-sync-guard.service";

    public const string AgentConfigPath = "/etc/hastack-vrrpd/keepalived.conf";
    public const string AgentCheckScriptPath = "/etc/hastack-vrrpd/check-layer";

    /// <summary>Our VRRP agent: one native file we upload (no package); keepalived's service is guarded off and kept from starting while the agent is configured, as it would fight for the VIP.</summary>
    public static readonly Component Agent = new("hastack-vrrpd", "hastack-vrrpd",
        None,
        [
            new("keepalived.conf.sbn", AgentConfigPath, "0600", "root", "root", FileEffect.Reload),
            new("check-layer.sh.sbn", AgentCheckScriptPath, "0755", "root", "root", FileEffect.None),
            new("hastack-vrrpd.service.sbn", "/etc/systemd/system/hastack-vrrpd.service", "0644", "root", "root", FileEffect.Restart),
            // keepalived (installed for other reasons, or before HaStack) must not claim the VIP beside the agent
            new("keepalived-displaced.conf.sbn", "/etc/systemd/system/keepalived.service.d/50-hastack-displaced.conf", "0644", "root", "root", FileEffect.None),
        ],
        [new("vip.statusPort", c => c.Vip.StatusPort)],
        (_, _) => new ReadinessProbe(ProbeKind.Active, "", 30),
        None,
        ["keepalived"],
        new("always", 1, "a host whose agent died takes no part in electing the VIP holder until it is back"));

    public const string AgentBinaryPath = "/usr/local/sbin/hastack-vrrpd";
    public const string AgentBinaryMode = "0755";

    /// <summary>Far above the native agent's size (a few MB): a larger file is not the agent and is not read into memory.</summary>
    public const int AgentBinaryMaxBytes = 64 << 20;

    /// <summary>The cluster-wide SQL setup, run on the primary; not a file on any host.</summary>
    public static readonly ComponentFile SqlSetup = new("cluster-setup.sql.sbn", "cluster-setup.sql", "0600", "postgres", "postgres", FileEffect.None);

    public static readonly IReadOnlyList<Component> All = [Host, Tls, Etcd, Postgres, PgBouncer, Haproxy, Agent];

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
