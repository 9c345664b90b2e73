namespace HaStack.Deploy.Status;

/// <summary>One host's VRRP agent as its status endpoint reports it, and whether the host holds the VIP now.</summary>
/// <param name="Answered">false when the agent's status could not be read (the agent down, or the host unreachable)</param>
internal sealed record AgentView(string Host, bool Answered, string? State, int? Priority, int? ConfiguredPriority, bool HoldsVip, string? LastReason);

/// <summary>A Patroni member as /cluster reports it.</summary>
/// <param name="LagBytes">how far a replica's replay is behind the primary; null for the primary or when Patroni does not know</param>
internal sealed record MemberView(string Name, string Role, string State, long? Timeline, long? LagBytes, bool PendingRestart)
{
    public bool IsLeader => Verification.PatroniRoles.IsLeader(Role);
}

/// <summary>An etcd member's endpoint: whether it answers a health check and whether it is the raft leader.</summary>
internal sealed record EtcdMemberView(string Endpoint, bool Healthy, bool IsLeader, string? Version);

/// <summary>One server of one of HAProxy's listeners (writes, reads) on one proxy host, with HAProxy's status word.</summary>
internal sealed record ProxyServerView(string Host, string Listener, string Server, string Status)
{
    /// <summary>Takes connections: UP, or UP with checks failing that have not yet taken it out ("UP 1/3").</summary>
    public bool IsUp => Status == "UP" || Status.StartsWith("UP ", StringComparison.Ordinal);
}

/// <summary>One PgBouncer pool on one host (SHOW POOLS).</summary>
internal sealed record PoolView(string Host, string Database, string User, long ClientsActive, long ClientsWaiting, long ServersActive, long ServersIdle, long MaxWaitSeconds);

/// <summary>A host's certificate as the last <c>up</c> recorded it: when it ends, and how close to that <c>up</c> renews it.</summary>
internal sealed record CertificateView(string Host, DateTimeOffset NotAfter, int RenewDaysBefore);

/// <summary>
/// A deployed stack as read from its hosts at one moment, read-only: the VIP and every agent, HAProxy's servers,
/// Patroni's members, etcd's members, PgBouncer's pools, the last failover proof's figures from state, and the
/// hosts that could not be asked. <see cref="StatusHealth"/> judges it.
/// </summary>
internal sealed record StackStatus(
    string Stack,
    string Vip,
    IReadOnlyList<AgentView> Agents,
    IReadOnlyList<ProxyServerView> ProxyServers,
    IReadOnlyList<MemberView> Members,
    IReadOnlyList<EtcdMemberView> EtcdMembers,
    IReadOnlyList<PoolView> Pools,
    IReadOnlyDictionary<string, string> LastProof,
    IReadOnlyList<string> Unreadable)
{
    public IReadOnlyList<string> VipHolders => Agents.Where(a => a.HoldsVip).Select(a => a.Host).ToList();

    /// <summary>The hosts' certificates, from state (what was issued; the hosts are not asked).</summary>
    public IReadOnlyList<CertificateView> Certificates { get; init; } = [];

    /// <summary>When the cluster's CA ends, from state; null when state records none (TLS off, or never deployed).</summary>
    public DateTimeOffset? AuthorityEnds { get; init; }
}
