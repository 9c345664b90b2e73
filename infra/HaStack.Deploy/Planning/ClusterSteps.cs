using HaStack.Deploy.State;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>
/// The orchestration a plan needs beyond its resources, derived from the diff alone (no host is asked), so preview
/// shows every step up takes. When hosts leave the stack (or a role) while others stay, before any other step,
/// because the first updates already rewrite the staying hosts' configurations without them:
/// <list type="bullet">
/// <item>a leaving VIP host's agent stops first, while the others still count it as a peer: if it holds the VIP, its
/// priority-0 advert hands the VIP over at once. Stopped later, after the others dropped it from their peers, it would
/// no longer hear them, take the VIP beside the real holder, and leave clients at its MAC when it stops.</item>
/// <item>the primary is handed over (PgBouncer paused) to a member that stays, if a leaving member holds it when the
/// step runs; with synchronous mode only the named standby may take over, so it must stay.</item>
/// <item>a leaving etcd member is removed from the cluster through the others, then stopped (one per up: <see cref="PlanLimits"/>).</item>
/// </list>
/// And an etcd member joining a running cluster is added to it just before its first start. Nothing is derived when
/// the whole cluster goes (destroy) or is new.
/// </summary>
internal static class ClusterSteps
{
    public static List<PlannedStep> Around(List<PlannedStep> steps, StackState state)
    {
        var first = new List<PlannedStep>();
        var leavingAgents = Leaving(steps, Components.Agent.Unit!);
        foreach (var host in leavingAgents)
            first.Add(Step(ResourceTypes.AgentLeave, host, host, AgentLeaveInputs.Agent(checksHolder: host == leavingAgents[^1]),
                $"{host} leaves the VIP group: its agent stops first, while the others still count it as a peer"));
        if (Leaving(steps, Components.Postgres.Unit!) is { Count: > 0 } leavingDatabases)
        {
            var names = string.Join(",", leavingDatabases);
            first.Add(Step(ResourceTypes.Handover, names, null, new HandoverInputs(leavingDatabases.Select(h => PatroniOf(h, steps, state)).ToList()),
                $"if {names} holds the primary, a member that stays takes over first (PgBouncer paused)"));
        }
        var leavingEtcd = Leaving(steps, Components.Etcd.Unit!);
        foreach (var step in steps.Where(s => s.Op == StepOp.Delete && leavingEtcd.Contains(s.Host!) && s.Recorded!.Spec is ServiceInputs { Membership: not null }))
        {
            var member = ((ServiceInputs)step.Recorded!.Spec).Membership!;
            first.Add(Step(ResourceTypes.EtcdLeave, member.Name, member.Name, new EtcdLeaveInputs(member),
                $"{member.Name} leaves etcd: removed from its members through the others, then stopped"));
        }

        var planned = new List<PlannedStep>(first.Count + steps.Count + 1);
        planned.AddRange(first);
        var running = steps.Any(s => s.Op is StepOp.Same or StepOp.Update && MembershipOf(s) is not null);
        foreach (var step in steps)
        {
            if (running && step.Op == StepOp.Create && MembershipOf(step) is { } joining)
            {
                var service = (ServiceInputs)step.Desired!.Spec;
                var join = Step(ResourceTypes.EtcdJoin, joining.Name, joining.Name, new EtcdJoinInputs(joining, service.DataDirectories[0]),
                    $"{joining.Name} joins the running etcd cluster: added through the others just before its first start", step.Desired.DependsOn);
                planned.Add(join);
                planned.Add(step with { After = [join.Id] });
                continue;
            }
            planned.Add(step);
        }
        return planned;
    }

    /// <summary>The hosts whose <paramref name="unit"/> the plan deletes while some host keeps running it, in name order.</summary>
    internal static IReadOnlyList<string> Leaving(IReadOnlyList<PlannedStep> steps, string unit)
    {
        bool Runs(PlannedStep s) => s.Type == ResourceTypes.Service && (s.Desired?.Spec ?? s.Recorded!.Spec) is ServiceInputs service && service.Unit == unit;
        return steps.Any(s => Runs(s) && s.Op != StepOp.Delete)
            ? steps.Where(s => Runs(s) && s.Op == StepOp.Delete).Select(s => s.Host!).Distinct().Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static PlannedStep Step(string type, string name, string? host, ResourceInputs inputs, string reason, IReadOnlyList<string>? dependsOn = null) =>
        new(StepOp.Create, $"{type}::{name}", new Resource(type, name, host, dependsOn ?? [], inputs, []), null, InputDiff.Same, Reason: reason);

    /// <summary>Where a leaving member's Patroni answered: as Patroni's settings were last written, else its recorded address.</summary>
    private static SqlTarget PatroniOf(string host, IReadOnlyList<PlannedStep> steps, StackState state)
    {
        var config = steps.FirstOrDefault(s => s.Type == ResourceTypes.PatroniConfig);
        if ((config?.Recorded?.Spec as PatroniConfigInputs)?.Targets.FirstOrDefault(t => t.Host == host) is { } recorded)
            return recorded;
        if (config?.Desired?.Spec is not PatroniConfigInputs { Targets: [var staying, ..] })
            throw new InvalidOperationException($"{host} leaves, and no database host stays to hand the primary to");
        return staying with { Host = host, Address = state.Hosts[host].Address };
    }

    /// <summary>The etcd membership a service step brings or takes (state's copy was checked when it was read).</summary>
    internal static EtcdMembership? MembershipOf(PlannedStep step) =>
        step.Type != ResourceTypes.Service ? null
            : step.Desired is { Spec: ServiceInputs desired } ? desired.Membership
            : step.Recorded?.Spec is ServiceInputs recorded ? recorded.Membership
            : null;
}
