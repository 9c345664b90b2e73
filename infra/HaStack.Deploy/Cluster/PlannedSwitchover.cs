using System.Diagnostics;
using System.Text;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Verification;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Cluster;

/// <summary>What a switchover did: from which member to which, and how long the primary was changing hands.</summary>
public sealed record SwitchoverResult(string From, string To, TimeSpan Took);

/// <summary>A switchover that cannot start or did not finish, with why.</summary>
public sealed class SwitchoverException(string message) : Exception(message);

/// <summary>
/// <c>hastack switchover</c>: the primary handed to another member on purpose. The old primary's PgBouncer is
/// paused first, so transactions in flight finish and new ones wait instead of being cut by the demotion; then
/// Patroni switches over (REST API); the pooler resumes once the new primary leads. With synchronous mode only
/// the standby Patroni named can take over, so that is the default and the only choice it accepts.
/// </summary>
public sealed class PlannedSwitchover(StackPlan plan, Func<string, IHostSession> session, string restPassword, Action<string> progress)
{
    private static readonly TimeSpan LeaderLimit = TimeSpan.FromSeconds(60);
    private readonly ClusterChecks checks = new(plan, session);

    public SwitchoverResult Run(string? to)
    {
        var members = checks.Members();
        var leader = members.FirstOrDefault(m => m.IsLeader) ?? throw new SwitchoverException("Patroni reports no leader: nothing to switch over from");
        var candidate = Candidate(members, leader, to);
        var port = plan.Config.PgBouncer.Port;
        progress($"pausing PgBouncer on {leader.Name}: transactions in flight finish, new ones wait");
        var paused = session(leader.Name).Run(HostOperations.PgBouncerAdmin("PAUSE", port));
        if (!paused.Ok)
        {
            session(leader.Name).Run(HostOperations.PgBouncerAdmin("RESUME", port));
            throw new SwitchoverException($"PgBouncer on {leader.Name} did not pause (a transaction still running after 15 s?): {paused.Stderr.Trim()}; nothing was switched");
        }
        var clock = Stopwatch.StartNew();
        try
        {
            progress($"switching over: {leader.Name} -> {candidate.Name}");
            var address = plan.Topology.DatabaseHosts.Single(h => h.Name == leader.Name).Address;
            session(leader.Name).Check(HostOperations.Switchover(address, plan.Config.Patroni.RestPort, leader.Name, candidate.Name),
                Encoding.UTF8.GetBytes(restPassword));
            var deadline = DateTime.UtcNow + LeaderLimit;
            while (!checks.Members().Any(m => m.IsLeader && m.Name == candidate.Name && m.IsRunning))
            {
                if (DateTime.UtcNow > deadline)
                    throw new SwitchoverException($"{candidate.Name} did not lead within {LeaderLimit.TotalSeconds} s");
                Thread.Sleep(100);
            }
        }
        finally
        {
            session(leader.Name).Run(HostOperations.PgBouncerAdmin("RESUME", port));
        }
        progress($"{candidate.Name} leads after {clock.Elapsed.TotalSeconds:0.00} s; PgBouncer on {leader.Name} resumed");
        return new SwitchoverResult(leader.Name, candidate.Name, clock.Elapsed);
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
