using System.Text;
using HaStack.Deploy.Reads;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Verification;
using HaStack.Infra;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Cluster;

/// <summary>A restart that cannot go on safely, with what was seen; the members not yet restarted keep waiting for one.</summary>
internal sealed class RollingRestartException(string message) : Exception(message);

/// <summary>
/// The members whose PostgreSQL waits for a restart (pending_restart) restarted one at a time, so the cluster keeps a
/// primary and a synchronous standby throughout: replicas first, the named synchronous standby last of them, each
/// back and the cluster whole before the next; then, if the primary waits too, a switchover to the synchronous
/// standby (PgBouncer paused around it, as <c>hastack switchover</c>) and, unless its demotion already restarted it,
/// a restart of the old primary as a replica.
/// </summary>
internal sealed class RollingRestart(StackPlan plan, Func<string, IHostSession> session, string restPassword, Action<string> progress)
{
    private readonly ClusterChecks checks = new(plan, session);

    /// <summary>Restarts <paramref name="pending"/> (member names); returns them in the order they were restarted.</summary>
    public IReadOnlyList<string> Run(IReadOnlyCollection<string> pending)
    {
        if (pending.Count == 0)
            return [];
        checks.WaitWhole("the cluster is whole before a rolling restart");
        var members = checks.Members();
        var leader = members.FirstOrDefault(m => m.IsLeader)?.Name ?? throw new RollingRestartException("Patroni reports no leader: no restart was started");
        var replicas = members.Where(m => !m.IsLeader && pending.Contains(m.Name))
            .OrderBy(m => m.IsSyncStandby).ThenBy(m => m.Name, StringComparer.Ordinal).Select(m => m.Name).ToList();
        var restarted = new List<string>();
        foreach (var replica in replicas)
            restarted.Add(Restart(replica, "a replica"));
        if (pending.Contains(leader))
        {
            progress($"the primary {leader} waits for a restart too: switching over first");
            var switched = new PlannedSwitchover(plan, session, restPassword, progress).Run(to: null);
            checks.WaitWhole($"the cluster is whole after the switchover to {switched.To}");
            // Patroni demotes by restarting PostgreSQL as a replica, which applies the settings on its own
            if (Pending(plan, session).Contains(leader))
                restarted.Add(Restart(leader, $"the old primary, a replica of {switched.To} now"));
            else
                progress($"{leader} took the settings when it was demoted (its PostgreSQL restarted as a replica of {switched.To})");
        }
        return restarted;
    }

    /// <summary>The members whose PostgreSQL waits for a restart (pending_restart), asked of the first database host that answers.</summary>
    public static IReadOnlyList<string> Pending(StackPlan plan, Func<string, IHostSession> session)
    {
        var failures = new List<string>();
        foreach (var host in plan.Topology.DatabaseHosts)
        {
            var (members, failure) = session(host.Name).TryRead(PatroniReads.Members(SqlTarget.Of(plan.Config, host)));
            if (failure is null)
                return [.. members!.Where(m => m.PendingRestart).Select(m => m.Name)];
            failures.Add($"{host.Name}: {failure}");
        }
        throw new RollingRestartException($"which members wait for a restart could not be read: {string.Join("; ", failures)}");
    }

    private string Restart(string member, string what)
    {
        var host = plan.Topology.DatabaseHosts.Single(h => h.Name == member);
        progress($"restarting PostgreSQL on {member} ({what})");
        var target = SqlTarget.Of(plan.Config, host);
        var answer = session(member).Run(HostOperations.PatroniRestart(target), Encoding.UTF8.GetBytes(restPassword));
        if (!answer.Ok)
            throw new RollingRestartException($"{member}: {answer.Stderr.Trim()}; the members after it were not restarted");
        try
        {
            checks.WaitWhole($"{member} is back after its restart");
        }
        catch (VerificationFailedException e)
        {
            throw new RollingRestartException($"{member} was restarted but the cluster is not whole again ({e.Message}); the members after it were not restarted");
        }
        return member;
    }
}
