using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra;

namespace HaStack.Deploy.Status;

/// <summary>
/// Judges a <see cref="StackStatus"/> against what the stack says should run: each reason it is degraded (the
/// exit code follows them), and notes that need a look but leave service whole. Pure.
/// </summary>
internal static class StatusHealth
{
    public sealed record Verdict(IReadOnlyList<string> Degraded, IReadOnlyList<string> Notes)
    {
        public bool Healthy => Degraded.Count == 0;
    }

    /// <summary>How far ahead the CA's end is a note: a new CA reaches every host and every client, which takes planning.</summary>
    public static readonly TimeSpan AuthorityWarning = TimeSpan.FromDays(365);

    /// <param name="now">what certificates are judged against (tests move it); the clock by default</param>
    public static Verdict Judge(StackStatus status, StackPlan plan, DateTimeOffset? now = null)
    {
        var config = plan.Config;
        var topology = plan.Topology;
        var degraded = new List<string>();
        var notes = new List<string>();
        degraded.AddRange(status.Unreadable);

        // the VIP: one holder, every agent answering, none in FAULT
        var holders = status.VipHolders;
        if (holders.Count == 0)
            degraded.Add($"no host holds the VIP {status.Vip}");
        else if (holders.Count > 1)
            degraded.Add($"the VIP {status.Vip} is on {holders.Count} hosts at once ({string.Join(", ", holders)})");
        foreach (var agent in status.Agents)
        {
            if (!agent.Answered)
                degraded.Add($"the agent on {agent.Host} does not answer: that host cannot take the VIP");
            else if (agent.State == "FAULT")
                degraded.Add($"the agent on {agent.Host} is in FAULT ({agent.LastReason ?? "its check fails"}): that host cannot take the VIP");
        }

        // Patroni: every database host a member, one leader, everyone running, a real sync standby where asked
        var members = status.Members;
        if (members.Count > 0)
        {
            var leaders = members.Where(m => m.IsLeader).ToList();
            if (leaders.Count != 1)
                degraded.Add(leaders.Count == 0 ? "Patroni has no leader: no primary takes writes" : $"Patroni reports {leaders.Count} leaders");
            foreach (var missing in topology.DatabaseHosts.Select(h => h.Name).Except(members.Select(m => m.Name), StringComparer.Ordinal))
                degraded.Add($"{missing} is not a Patroni member");
            foreach (var member in members.Where(m => m.State is not ("running" or "streaming")))
                degraded.Add($"{member.Name} ({member.Role}) is {member.State}");
            if (config.Postgres.SynchronousMode != SynchronousMode.Off && topology.DatabaseHosts.Count > 1 && !members.Any(m => Verification.PatroniRoles.IsSynchronous(m.Role)))
                degraded.Add("no synchronous standby is named: a primary lost now would not be replaced (Patroni promotes only a synchronous one)");
            foreach (var lagging in members.Where(m => !m.IsLeader && m.LagBytes > config.Patroni.MaximumLagOnFailover))
                degraded.Add($"{lagging.Name} is {lagging.LagBytes} bytes behind, over patroni.maximumLagOnFailover ({config.Patroni.MaximumLagOnFailover}): it cannot take over");
            var timelines = members.Where(m => m.Timeline is not null).Select(m => m.Timeline).Distinct().Count();
            if (timelines > 1)
                notes.Add("members are on different timelines: a replica has not followed the last failover yet");
            foreach (var pending in members.Where(m => m.PendingRestart))
                notes.Add($"{pending.Name} waits for a restart to apply a setting (pending_restart)");
        }
        else if (!status.Unreadable.Any(u => u.Contains("Patroni", StringComparison.Ordinal)))
            degraded.Add("no Patroni member answers");

        // etcd: every member healthy, a leader; below quorum nothing can change leaders
        var etcd = status.EtcdMembers;
        var healthy = etcd.Count(m => m.Healthy);
        var quorum = topology.EtcdMembers.Count / 2 + 1;
        foreach (var sick in etcd.Where(m => !m.Healthy))
            degraded.Add($"etcd member {sick.Endpoint} is not healthy");
        if (etcd.Count > 0 && etcd.Count < topology.EtcdMembers.Count)
            degraded.Add($"etcd reports {etcd.Count} of the stack's {topology.EtcdMembers.Count} members");
        if (etcd.Count > 0 && healthy < quorum)
            degraded.Add($"etcd has {healthy} healthy member(s), below its quorum of {quorum}: Patroni keeps the primary (failsafe) but cannot fail over");
        if (etcd.Count > 0 && !etcd.Any(m => m.IsLeader))
            degraded.Add("etcd has no leader");

        // HAProxy: on every proxy, writes go to exactly the leader, reads to at least one member
        foreach (var proxy in status.ProxyServers.GroupBy(s => s.Host))
        {
            var writers = proxy.Where(s => s.Listener == Components.HaproxyWriteListener && s.IsUp).Select(s => s.Server).ToList();
            if (writers.Count != 1)
                degraded.Add($"HAProxy on {proxy.Key} sends writes to {(writers.Count == 0 ? "no server" : string.Join(" and ", writers))}");
            else if (members.FirstOrDefault(m => m.IsLeader) is { } leader && writers[0] != leader.Name)
                degraded.Add($"HAProxy on {proxy.Key} sends writes to {writers[0]}, but {leader.Name} is the primary");
            if (!proxy.Any(s => s.Listener == Components.HaproxyReadListener && s.IsUp))
                degraded.Add($"HAProxy on {proxy.Key} has no server for reads");
        }

        // PgBouncer: clients waiting for a server connection for seconds is a pool too small or a server not there
        foreach (var pool in status.Pools.Where(p => p.ClientsWaiting > 0 && p.MaxWaitSeconds >= 5))
            notes.Add($"PgBouncer on {pool.Host}: {pool.ClientsWaiting} client(s) of {pool.Database}/{pool.User} waiting, the longest {pool.MaxWaitSeconds} s");

        if (status.LastProof.Count == 0)
            notes.Add("no failover proof recorded: run hastack verify");
        var today = now ?? DateTimeOffset.UtcNow;
        foreach (var certificate in status.Certificates)
        {
            if (certificate.NotAfter <= today)
                degraded.Add($"{certificate.Host}'s certificate ended on {certificate.NotAfter:yyyy-MM-dd}: run hastack up to issue a new one");
            else if (certificate.NotAfter - today <= TimeSpan.FromDays(certificate.RenewDaysBefore))
                notes.Add($"{certificate.Host}'s certificate ends on {certificate.NotAfter:yyyy-MM-dd}, within the renewal threshold: the next hastack up renews it");
        }
        // HaStack renews host certificates, never the CA: its end needs a person's plan, so it is said a year ahead
        if (status.AuthorityEnds is { } authorityEnds)
        {
            if (authorityEnds <= today)
                degraded.Add($"the cluster's CA ended on {authorityEnds:yyyy-MM-dd}: no certificate it issued is valid; give a new CA (tls.caCertificate, tls.caKey) and run hastack up");
            else if (authorityEnds - today <= AuthorityWarning)
                notes.Add($"the cluster's CA ends on {authorityEnds:yyyy-MM-dd} and HaStack does not renew a CA: plan a new one (tls.caCertificate, tls.caKey; preview shows what it replaces) and hand clients its caCertificate output");
        }
        return new Verdict(degraded, notes);
    }
}
