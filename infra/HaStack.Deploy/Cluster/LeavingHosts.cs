using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Verification;
using HaStack.Infra;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Cluster;

/// <summary>
/// What must happen before any step when hosts leave the stack (or a role) while others stay, because the first
/// steps already rewrite the staying hosts' configurations without them:
/// <list type="bullet">
/// <item>a leaving VIP host's agent stops first, while the others still count it as a peer: if it holds the VIP, its
/// priority-0 advert hands the VIP over at once. Stopped later, after the others dropped it from their peers, it would
/// no longer hear them, take the VIP beside the real holder, and leave clients at its MAC when it stops.</item>
/// <item>a leaving primary is switched over (<see cref="PlannedSwitchover"/>, PgBouncer paused) to a member that stays,
/// before HAProxy stops sending it writes. With synchronous mode only the named standby may take over, so it must stay.</item>
/// <item>a leaving etcd member is removed from the cluster through the others, then stopped (one per up: <see cref="PlanLimits"/>).</item>
/// </list>
/// Nothing happens when the whole cluster goes (destroy) or no such host leaves.
/// </summary>
public static class LeavingHosts
{
    /// <summary>The hosts whose <paramref name="unit"/> the plan deletes, when some host keeps running it.</summary>
    public static IReadOnlySet<string> Leaving(IReadOnlyList<PlannedStep> steps, string unit)
    {
        bool Runs(PlannedStep s) => s.Type == ResourceTypes.Service && (s.Desired?.Spec ?? s.Recorded!.Spec) is ServiceInputs service && service.Unit == unit;
        return steps.Any(s => Runs(s) && s.Op != StepOp.Delete)
            ? steps.Where(s => Runs(s) && s.Op == StepOp.Delete).Select(s => s.Host!).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    /// <summary>Stops the agent on every leaving VIP host; returns them.</summary>
    public static IReadOnlyList<string> StopLeavingAgents(StackPlan plan, IReadOnlyList<PlannedStep> steps, Func<string, IHostSession> session, Action<string> progress)
    {
        var leaving = Leaving(steps, Components.Agent.Unit!).Order(StringComparer.Ordinal).ToList();
        foreach (var host in leaving)
        {
            progress($"{host} leaves the VIP group: its agent stops first, while the others still count it as a peer");
            session(host).Check(HostOperations.Systemctl("stop", Components.Agent.Unit!));
        }
        if (leaving.Count > 0)
            progress($"{plan.Config.Vip.Address} is on {new ClusterChecks(plan, session).SingleHolder("the VIP after the leaving agents stopped")}");
        return leaving;
    }

    /// <summary>Removes every leaving etcd member from the cluster (through the others) and stops it; returns them.</summary>
    public static IReadOnlyList<string> RemoveLeavingEtcdMembers(IReadOnlyList<PlannedStep> steps, Func<string, IHostSession> session, Action<string> progress)
    {
        var leaving = Leaving(steps, Components.Etcd.Unit!);
        var members = steps.Where(s => s.Op == StepOp.Delete && leaving.Contains(s.Host!) && s.Recorded!.Spec is ServiceInputs { Membership: not null })
            .Select(s => ((ServiceInputs)s.Recorded!.Spec).Membership!).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        foreach (var member in members)
        {
            progress($"{member.Name} leaves etcd: removed from its members, then stopped");
            session(member.Name).Check(HostOperations.LeaveEtcd(member));
        }
        return members.Select(m => m.Name).ToList();
    }

    /// <summary>Switches over when the primary is leaving; null when it is not.</summary>
    /// <param name="addressOf">a host's address, the leaving one's included (state keeps it)</param>
    /// <param name="restPassword">read only when a switchover is due (a first up has no password yet)</param>
    public static SwitchoverResult? HandOverPrimary(StackPlan plan, IReadOnlyList<PlannedStep> steps, Func<string, IHostSession> session,
        Func<string, string> addressOf, Func<string> restPassword, Action<string> progress)
    {
        var leaving = Leaving(steps, Components.Postgres.Unit!);
        if (leaving.Count == 0)
            return null;
        var members = new ClusterChecks(plan, session).Members();
        var leader = members.FirstOrDefault(m => m.IsLeader);
        if (leader is null || !leaving.Contains(leader.Name))
            return null;
        var staying = members.Where(m => !m.IsLeader && m.IsRunning && !leaving.Contains(m.Name)).ToList();
        var to = staying.FirstOrDefault(m => m.IsSyncStandby) ?? staying.FirstOrDefault()
            ?? throw new SwitchoverException($"{leader.Name} leaves the stack and is the primary, but no member that stays is running to take over " +
                                             $"(Patroni reports {string.Join(", ", members.Select(m => $"{m.Name} {m.Role} {m.State}"))})");
        progress($"{leader.Name} leaves the stack and is the primary: switching over to {to.Name} before anything else");
        return new PlannedSwitchover(plan, session, restPassword(), progress, addressOf).Run(to.Name);
    }
}
