using System.Diagnostics;
using System.Globalization;
using HaStack.Deploy.Reads;
using HaStack.Deploy.Remote;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Verification;

/// <summary>A Patroni member as /cluster reports it; <paramref name="Timeline"/> null when it reports none (starting, stopped).</summary>
internal sealed record PatroniMember(string Name, string Role, string State, int? Timeline = null)
{
    /// <summary>A member as Patroni's /cluster gives it (<see cref="Status.StatusParsers.Members"/>, the one parser of that reply).</summary>
    public static PatroniMember Of(Status.MemberView member) =>
        new(member.Name, member.Role, member.State, member.Timeline is { } t and >= 0 and <= int.MaxValue ? (int)t : null);

    public bool IsLeader => PatroniRoles.IsLeader(Role);

    public bool IsSyncStandby => PatroniRoles.IsSynchronous(Role);

    public bool IsRunning => State is "running" or "streaming";
}

/// <summary>
/// What the proof and the fault matrix ask of a deployed stack: who holds the VIP, who leads, and whether the
/// cluster is whole. Every wait is bounded; nothing here changes a host.
/// </summary>
internal sealed class ClusterChecks(StackPlan plan, Func<string, IHostSession> session)
{
    private readonly StackConfig config = plan.Config;

    public IReadOnlyList<string> VipHosts { get; } = plan.Topology.VrrpGroup.Select(m => m.Host.Name).ToList();

    public bool Holds(string host) => AgentReads.HoldsVip(session(host), config.Vip.Interface, config.Vip.Address);

    /// <param name="settled">when set, the same single host must be seen holding it again this long after: two backups
    /// can claim the address for a moment (one just started, before it heard the other's adverts)</param>
    public string SingleHolder(string step, TimeSpan? limit = null, TimeSpan? settled = null)
    {
        var holders = new List<string>();
        string? seen = null;
        var seenAt = Stopwatch.StartNew();
        bool Settled()
        {
            holders = VipHosts.Where(Holds).ToList();
            if (holders.Count != 1)
            {
                seen = null;
                return false;
            }
            if (holders[0] != seen)
            {
                seen = holders[0];
                seenAt.Restart();
            }
            return seenAt.Elapsed >= (settled ?? TimeSpan.Zero);
        }
        if (!Poll.Until(Settled, limit ?? TimeSpan.FromSeconds(config.Verify.VipMoveTimeoutSeconds), TimeSpan.FromMilliseconds(200)))
            throw new VerificationFailedException(step, $"{config.Vip.Address} is held by {(holders.Count == 0 ? "no host" : string.Join(" and ", holders))}");
        return holders[0];
    }

    /// <summary>Patroni's members, asked of the first database host that answers; empty when none does.</summary>
    public IReadOnlyList<PatroniMember> Members()
    {
        foreach (var db in plan.Topology.DatabaseHosts)
        {
            try
            {
                if (session(db.Name).ReadOrDefault(PatroniReads.Members(SqlTarget.Of(config, db))) is { } members)
                    return members.Select(PatroniMember.Of).ToList();
            }
            catch (FormatException)
            {
                // a reply that is not Patroni's /cluster: as good as no answer; the next member is asked
            }
        }
        return [];
    }

    /// <summary>
    /// Whether the primary really waits for the standby etcd names as synchronous: Patroni 3.0 restarted beside a
    /// running PostgreSQL can name one while commits are acknowledged asynchronously (the sync guard repairs that).
    /// </summary>
    public bool SyncStandbyIsReal(IReadOnlyList<PatroniMember> members)
    {
        var leader = members.FirstOrDefault(m => m.IsLeader);
        var named = members.FirstOrDefault(m => m.IsSyncStandby);
        var host = plan.Topology.DatabaseHosts.FirstOrDefault(h => h.Name == leader?.Name);
        if (host is null || named is null)
            return false;
        try
        {
            return session(host.Name).ReadOrDefault(PatroniReads.SynchronousStandbys(SqlTarget.Of(config, host)))?.Contains(named.Name) == true;
        }
        catch (FormatException)
        {
            return false; // an answer that cannot be read proves nothing: not whole yet, asked again
        }
    }

    /// <summary>
    /// Patroni's view of a whole cluster: one leader, every database host a member and running, on the leader's
    /// timeline (a member back from a failover says running for a moment before it finds its timeline diverged and
    /// rewinds; counted whole then, the next fault would start on a cluster with one member about to go away), and
    /// at least <paramref name="wantSync"/> standbys named synchronous.
    /// </summary>
    public static bool IsWhole(IReadOnlyList<PatroniMember> members, int databaseHosts, int wantSync)
    {
        var leaders = members.Where(m => m.IsLeader).ToList();
        return leaders.Count == 1 && leaders[0].Timeline is { } timeline && members.Count == databaseHosts &&
               members.All(m => m.IsRunning && m.Timeline == timeline) && members.Count(m => m.IsSyncStandby) >= wantSync;
    }

    /// <summary>
    /// Whole: every service on the VIP's path active on every VIP host, one VIP holder, one leader, every member
    /// running on the leader's timeline, and with synchronous mode a sync standby named, since Patroni promotes only the named one (a primary
    /// lost while none is named is not replaced), that the primary really waits for.
    /// </summary>
    public void WaitWhole(string step)
    {
        foreach (var host in VipHosts)
            foreach (var unit in plan.Topology.VipPath.Select(c => c.Unit!))
            {
                var active = session(host).Run(HostOperations.WaitActive(unit));
                if (!active.Ok)
                    throw new VerificationFailedException(step, $"{unit} on {host} is not active");
            }
        SingleHolder(step);
        var wantSync = config.Postgres.SynchronousMode != SynchronousMode.Off ? 1 : 0;
        IReadOnlyList<PatroniMember> members = [];
        var syncIsReal = true;
        if (!Poll.Until(() => IsWhole(members = Members(), plan.Topology.DatabaseHosts.Count, wantSync) &&
                (wantSync == 0 || (syncIsReal = SyncStandbyIsReal(members))),
                TimeSpan.FromSeconds(config.Verify.SqlTimeoutSeconds), TimeSpan.FromMilliseconds(500)))
            throw new VerificationFailedException(step, members.Count == 0 ? "no Patroni answers"
                : $"Patroni reports {string.Join(", ", members.Select(m => $"{m.Name} {m.Role} {m.State} timeline {m.Timeline?.ToString(CultureInfo.InvariantCulture) ?? "-"}"))}" +
                  (syncIsReal ? "" : "; the primary does not wait for the standby named synchronous (pg_stat_replication)"));
    }
}
