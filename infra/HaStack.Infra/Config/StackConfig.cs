using HaStack.Infra.Catalogue;

namespace HaStack.Infra.Config;

internal enum HostRole
{
    Etcd,
    Db,
    Proxy,
}

/// <summary>Which hosts the virtual IP floats over: the HAProxy hosts, the PgBouncer (database) hosts, or the primary itself.</summary>
internal enum VipLayer
{
    Haproxy,
    Pgbouncer,
    Database,
}

/// <summary>
/// Where PgBouncer runs: beside each PostgreSQL, behind HAProxy (database), or on the proxy hosts in front of HAProxy
/// (proxy: client, VIP, PgBouncer, HAProxy, the primary), where a switchover can hold every client's transactions.
/// </summary>
internal enum PoolerPlacement
{
    Database,
    Proxy,
}

/// <summary>Patroni's synchronous replication: off, on (falls back to async when no replica is there), strict (never).</summary>
internal enum SynchronousMode
{
    Off,
    On,
    Strict,
}

internal sealed record HostConfig(string Name, string Address, int SshPort, string? SshUser, IReadOnlyList<HostRole> Roles, string? HostKey)
{
    public bool Has(HostRole role) => Roles.Contains(role);
}

internal sealed record SshSettings(string User, string? PrivateKeyFile, string? KnownHostsFile, bool Sudo, int Port, int ConnectTimeoutSeconds);

internal sealed record VipSettings(
    string Address,
    int PrefixLength,
    string Interface,
    int RouterId,
    VipLayer FloatsOver,
    int VrrpVersion,
    decimal AdvertInterval,
    bool Unicast,
    bool Preempt,
    int StatusPort,
    Secret? AuthPassword);

internal sealed record AppUser(string Name, Secret? Password);

internal sealed record AppDatabase(string Name, string Owner);

/// <param name="Version">the PostgreSQL major version the stack asks for; null: the one the hosts' Debian release ships</param>
internal sealed record PostgresSettings(
    int? Version,
    int Port,
    IReadOnlyDictionary<string, string> Parameters,
    SynchronousMode SynchronousMode,
    IReadOnlyList<AppUser> Users,
    IReadOnlyList<AppDatabase> Databases,
    bool AcceptDataLoss = false);

/// <param name="PrimaryStartTimeout">
/// seconds a crashed primary may take to come back in place before Patroni fails over instead; 0 fails over at once
/// to the synchronous standby, and restarts in place only when none can take over
/// </param>
internal sealed record PatroniSettings(string Scope, int Ttl, int LoopWait, int RetryTimeout, long MaximumLagOnFailover, int RestPort, int PrimaryStartTimeout);

internal sealed record EtcdSettings(int ClientPort, int PeerPort);

internal sealed record HaproxySettings(int WritePort, int ReadPort, int StatsPort);

internal sealed record PgBouncerSettings(int Port, string PoolMode, int DefaultPoolSize, int MaxClientConn, int ReservePoolSize, PoolerPlacement Placement);

internal sealed record VerifySettings(bool Enabled, int VipMoveTimeoutSeconds, int SqlTimeoutSeconds);

/// <summary>
/// The cluster's certificates: how long a host certificate lasts, how close to its end <c>up</c> issues a new one,
/// and the user's own CA (certificate and key, the key a secret) instead of the one HaStack generates. With
/// <see cref="Enabled"/> every service speaks TLS (etcd's clients and peers, Patroni's REST API, PostgreSQL and PgBouncer from the network).
/// </summary>
internal sealed record TlsSettings(int CertificateDays, int RenewDaysBefore, string? CaCertificate, Secret? CaKey, bool Enabled = true)
{
    public static readonly TlsSettings Default = new(365, 30, null, null);

    /// <summary>The URL scheme of the cluster's own HTTP endpoints (etcd, Patroni's REST API) with TLS on or off.</summary>
    public static string UrlScheme(bool tls) => tls ? "https" : "http";

    /// <summary>How long a generated CA lasts: well past any host certificate it signs.</summary>
    public const int GeneratedCaDays = 3650;
}

/// <summary>Everything a stack file says, with HaStack's defaults filled in.</summary>
internal sealed record StackConfig(
    string Project,
    string Stack,
    IReadOnlyList<HostConfig> Hosts,
    SshSettings Ssh,
    VipSettings Vip,
    PostgresSettings Postgres,
    PatroniSettings Patroni,
    EtcdSettings Etcd,
    HaproxySettings Haproxy,
    PgBouncerSettings PgBouncer,
    VerifySettings Verify)
{
    /// <summary>
    /// The Debian release of the hosts: read from them before anything is planned (the stack's debianRelease, when
    /// given, must match); <see cref="DebianReleases.Default"/> until then.
    /// </summary>
    public DebianRelease Release { get; init; } = DebianReleases.Default;

    /// <summary>The release the stack file names (hastack:debianRelease), or null to take the hosts' own.</summary>
    public DebianRelease? DeclaredRelease { get; init; }

    public TlsSettings Tls { get; init; } = TlsSettings.Default;

    /// <summary>The PostgreSQL major version deployed: the stack's, else the one the release ships.</summary>
    public int PostgresVersion => Postgres.Version ?? Release.PostgresVersion;

    public IEnumerable<HostConfig> HostsWith(HostRole role) => Hosts.Where(h => h.Has(role));

    /// <summary>The role of the hosts that run PgBouncer, by its placement.</summary>
    public HostRole PoolerRole => PgBouncer.Placement == PoolerPlacement.Proxy ? HostRole.Proxy : HostRole.Db;

    /// <summary>The role of the hosts the VIP floats over: the proxies, the poolers' hosts, or the database hosts.</summary>
    public HostRole VipRole => Vip.FloatsOver switch
    {
        VipLayer.Haproxy => HostRole.Proxy,
        VipLayer.Pgbouncer => PoolerRole,
        _ => HostRole.Db,
    };

    /// <summary>The hosts the VIP floats over.</summary>
    public IReadOnlyList<HostConfig> VipHosts => HostsWith(VipRole).ToList();
}
