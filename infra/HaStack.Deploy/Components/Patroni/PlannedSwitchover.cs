using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using HaStack.Deploy.Reads;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Verification;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Infra;

namespace HaStack.Deploy.Cluster;

/// <summary>What a switchover did: from which member to which, and how long the primary was changing hands.</summary>
internal sealed record SwitchoverResult(string From, string To, TimeSpan Took);

/// <summary>A switchover that cannot start or did not finish, with why.</summary>
internal sealed class SwitchoverException(string message) : Exception(message);

/// <summary>
/// <c>hastack switchover</c>: the primary handed to another member on purpose. Every PgBouncer on the write path is
/// paused first (the old primary's, or with PgBouncer on the proxies every proxy's), so transactions in flight finish
/// and new ones wait instead of being cut by the demotion; then Patroni switches over (REST API); the poolers resume
/// once the new primary leads and, with PgBouncer in front of HAProxy, once every HAProxy sends writes to it alone,
/// so the first connection after the pause lands on the new primary. With synchronous mode only the standby Patroni
/// named can take over, so that is the default and the only choice it accepts.
/// </summary>
/// <param name="addressOf">a member's address (default: the stack's database hosts'; a host leaving the stack is only in state)</param>
internal sealed class PlannedSwitchover(StackPlan plan, Func<string, IHostSession> session, string restPassword, Action<string> progress,
    Func<string, string>? addressOf = null)
{
    private static readonly TimeSpan LeaderLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RoutingLimit = TimeSpan.FromSeconds(30);
    private readonly ClusterChecks checks = new(plan, session);

    public SwitchoverResult Run(string? to)
    {
        var members = checks.Members();
        var leader = members.FirstOrDefault(m => m.IsLeader) ?? throw new SwitchoverException("Patroni reports no leader: nothing to switch over from");
        var candidate = Candidate(members, leader, to);
        var topology = plan.Topology;
        var poolers = topology.PoolerOnProxies ? topology.ProxyHosts.Select(h => h.Name).ToList() : [leader.Name];
        var port = plan.Config.PgBouncer.Port;
        // all poolers at once: the VIP holder's clients wait from its pause to its resume, not through the others' too
        progress($"pausing PgBouncer on {string.Join(", ", poolers)}: transactions in flight finish, new ones wait");
        var clock = Stopwatch.StartNew();
        List<string> unresumed = [];
        try
        {
            var refused = OnEach(poolers, host => session(host).Run(HostOperations.PgBouncerAdmin("PAUSE", port)) is { Ok: false } pause
                ? $"{host}: {pause.Stderr.Trim()}" : null);
            if (refused.Count > 0)
                throw new SwitchoverException($"PgBouncer did not pause (a transaction still running after 15 s?) on {string.Join("; ", refused)}; nothing was switched");
            progress($"switching over: {leader.Name} -> {candidate.Name}");
            var address = addressOf?.Invoke(leader.Name) ?? topology.DatabaseHosts.Single(h => h.Name == leader.Name).Address;
            session(leader.Name).Check(HostOperations.Switchover(new SqlTarget(leader.Name, address, plan.Config.Patroni.RestPort, plan.Config.Tls.Enabled), leader.Name, candidate.Name),
                Encoding.UTF8.GetBytes(restPassword));
            progress($"Patroni answered the switchover after {clock.Elapsed.TotalSeconds:0.00} s; waiting until {candidate.Name} leads");
            Until($"{candidate.Name} did not lead within {LeaderLimit.TotalSeconds} s", LeaderLimit,
                () => checks.Members().Any(m => m.IsLeader && m.Name == candidate.Name && m.IsRunning));
            if (topology.PoolerOnProxies)
                OnEach(poolers, proxy =>
                {
                    Until($"HAProxy on {proxy} did not send writes to {candidate.Name} alone within {RoutingLimit.TotalSeconds} s", RoutingLimit,
                        () => HaproxyReads.WritesGoTo(session(proxy), proxy, plan.Config.Haproxy.StatsPort) is [var only] && only == candidate.Name);
                    return null;
                });
        }
        finally
        {
            // never thrown from here: an error of the switchover itself must not be hidden by one of the resume
            unresumed = OnEach(poolers, host =>
            {
                try
                {
                    return session(host).Run(HostOperations.PgBouncerAdmin("RESUME", port)) is { Ok: false } resume ? $"{host}: {resume.Stderr.Trim()}" : null;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return $"{host}: {e.Message}";
                }
            });
            if (unresumed.Count > 0)
                progress($"PgBouncer did not resume on {string.Join("; ", unresumed)}: its clients wait until RESUME is run on its admin console");
        }
        if (unresumed.Count > 0)
            throw new SwitchoverException($"{candidate.Name} leads, but PgBouncer did not resume on {string.Join("; ", unresumed)}: run RESUME on its admin console");
        progress($"{candidate.Name} leads after {clock.Elapsed.TotalSeconds:0.00} s; PgBouncer resumed on {string.Join(", ", poolers)}");
        return new SwitchoverResult(leader.Name, candidate.Name, clock.Elapsed);
    }

    /// <summary>
    /// <paramref name="action"/> on every host at once; what it returned that was not null. The first exception
    /// (a switchover that cannot finish) is thrown once every host is done.
    /// </summary>
    private static List<string> OnEach(IReadOnlyList<string> hosts, Func<string, string?> action)
    {
        var tasks = hosts.Select(host => Task.Run(() => action(host))).ToArray();
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return tasks.Select(t => t.Result).OfType<string>().ToList();
    }

    private static void Until(string failure, TimeSpan limit, Func<bool> condition)
    {
        if (!Poll.Until(condition, limit, TimeSpan.FromMilliseconds(100)))
            throw new SwitchoverException(failure);
    }

    private PatroniMember Candidate(IReadOnlyList<PatroniMember> members, PatroniMember leader, string? to)
    {
        var sync = plan.Config.Postgres.SynchronousMode != SynchronousMode.Off;
        var named = members.FirstOrDefault(m => m.IsSyncStandby && m.IsRunning);
        if (to is not null)
        {
            var wanted = members.FirstOrDefault(m => m.Name == to)
                ?? throw new SwitchoverException($"--to {to}: not a member of the cluster ({string.Join(", ", members.Select(m => m.Name))})");
            if (wanted == leader)
                throw new SwitchoverException($"--to {to}: it is the primary already");
            if (!wanted.IsRunning)
                throw new SwitchoverException($"--to {to}: it is {wanted.State}, not running");
            if (sync && !wanted.IsSyncStandby)
                throw new SwitchoverException($"--to {to}: with synchronous mode Patroni hands over only to the sync standby ({named?.Name ?? "none named now"})");
            return wanted;
        }
        return (sync ? named : named ?? members.FirstOrDefault(m => m != leader && m.IsRunning))
            ?? throw new SwitchoverException(sync ? "no sync standby is named now: Patroni (synchronous mode) would refuse; wait for one" : "no running replica to switch over to");
    }
}
