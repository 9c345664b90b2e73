using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Tests;

/// <summary>
/// The orchestration up does beyond its resources is planned from the diff, so preview shows it in the order up runs
/// it: a leaving host's agent stop, the handover and its etcd member's removal before any other step; an etcd member's
/// join just before its first start; a rolling restart when a restart-only setting changes. Nothing of it on a first
/// deploy, a no-op or a destroy.
/// </summary>
public class OrchestrationPlanTests
{
    private const string Node3 = "    - { name: node3, address: 10.77.0.13 }\n";
    private const string Node4 = "    - { name: node4, address: 10.77.0.14 }\n";

    private static readonly string[] Derived = [ResourceTypes.AgentLeave, ResourceTypes.Handover, ResourceTypes.EtcdLeave, ResourceTypes.EtcdJoin];

    private static List<PlannedStep> Changes(IReadOnlyList<PlannedStep> steps) => steps.Where(s => s.IsChange).ToList();

    [Fact]
    public void A_first_deploy_a_no_op_and_a_destroy_plan_no_orchestration()
    {
        var graph = PlannerTests.Graph();
        Assert.DoesNotContain(Planner.Plan(graph, new StackState()), s => Derived.Contains(s.Type));
        Assert.All(Planner.Plan(graph, PlannerTests.Applied(graph)), s => Assert.Equal(StepOp.Same, s.Op));
        Assert.DoesNotContain(Planner.PlanDestroy(PlannerTests.Applied(graph)), s => Derived.Contains(s.Type));
    }

    [Fact]
    public void A_host_with_every_role_leaving_plans_its_agent_stop_the_handover_and_its_etcd_removal_before_anything_else()
    {
        var state = PlannerTests.Applied(PlannerTests.Graph());
        var steps = Changes(Planner.Plan(PlannerTests.Graph(PlannerTests.StackText.Replace(Node3, "", StringComparison.Ordinal)), state));
        Assert.Equal(["hastack:cluster:AgentLeave::node3", "hastack:cluster:Handover::node3", "hastack:cluster:EtcdLeave::node3"], steps.Take(3).Select(s => s.Id));
        Assert.All(steps.Take(3), s => Assert.True(s.Op == StepOp.Create && s.Reason is not null && ResourceKinds.Of(s.Type).RunsFirst));
        Assert.DoesNotContain(steps.Skip(3), s => ResourceKinds.Of(s.Type).RunsFirst);
        // the handover reaches the leaving member where Patroni's settings last named it; the etcd removal works from the recorded membership
        Assert.Equal(("node3", "10.77.0.13"), ((HandoverInputs)steps[1].Desired!.Spec).Leaving.Select(t => (t.Host, t.Address)).Single());
        Assert.Equal(["node1", "node2", "node3"], ((EtcdLeaveInputs)steps[2].Desired!.Spec).Member.Cluster.Select(m => m.Name));
        Assert.Equal("node3", steps[2].Host);
        Assert.Empty(PlanLimits.Problems(steps));
    }

    [Fact]
    public void A_replica_role_dropped_on_a_staying_host_is_handed_over_from_too_and_other_roles_leaving_plan_nothing_for_it()
    {
        var state = PlannerTests.Applied(PlannerTests.Graph());
        var proxyOnly = PlannerTests.StackText.Replace("{ name: node3, address: 10.77.0.13 }", "{ name: node3, address: 10.77.0.13, roles: [etcd, proxy] }", StringComparison.Ordinal);
        var steps = Changes(Planner.Plan(PlannerTests.Graph(proxyOnly), state));
        Assert.Equal([ResourceTypes.Handover], steps.Where(s => Derived.Contains(s.Type)).Select(s => s.Type));
        var noEtcd = PlannerTests.StackText.Replace("{ name: node3, address: 10.77.0.13 }", "{ name: node3, address: 10.77.0.13, roles: [db, proxy] }", StringComparison.Ordinal);
        Assert.Equal([ResourceTypes.EtcdLeave], Changes(Planner.Plan(PlannerTests.Graph(noEtcd), state)).Where(s => Derived.Contains(s.Type)).Select(s => s.Type));
    }

    [Fact]
    public void A_host_with_every_role_joining_plans_its_etcd_member_add_just_before_its_first_start()
    {
        var state = PlannerTests.Applied(PlannerTests.Graph());
        var steps = Planner.Plan(PlannerTests.Graph(PlannerTests.StackText.Replace(Node3, Node3 + Node4, StringComparison.Ordinal)), state).ToList();
        var join = Assert.Single(steps, s => Derived.Contains(s.Type));
        Assert.Equal(("hastack:cluster:EtcdJoin::node4", "node4", StepOp.Create), (join.Id, join.Host, join.Op));
        var service = steps[steps.IndexOf(join) + 1];
        Assert.Equal("hastack:host:Service::node4:etcd", service.Id);
        // the service waits for the join, and the join for what the service needed (its files, its packages)
        Assert.Equal([join.Id], service.After);
        Assert.Equal(service.Desired!.DependsOn, join.Desired!.DependsOn);
        Assert.Equal("/var/lib/etcd/hastack-t", ((EtcdJoinInputs)join.Desired.Spec).DataDirectory);
        Assert.Equal(["node1", "node2", "node3", "node4"], ((EtcdJoinInputs)join.Desired.Spec).Member.Cluster.Select(m => m.Name));
    }

    [Fact]
    public void A_restart_only_setting_plans_the_rolling_restart_and_a_reload_setting_does_not()
    {
        var state = PlannerTests.Applied(PlannerTests.Graph());
        var restart = Changes(Planner.Plan(PlannerTests.Graph(PlannerTests.StackText + "\n  hastack:postgres:\n    parameters: { max_connections: 120, work_mem: 8MB }"), state));
        var rolling = Assert.Single(restart, s => s.Type == ResourceTypes.RollingRestart);
        Assert.Equal((StepOp.Update, "hastack:cluster:RollingRestart::postgresql"), (rolling.Op, rolling.Id));
        Assert.Equal(["settings[postgresql/parameters/max_connections]"], rolling.ChangedKeys);
        Assert.StartsWith("max_connections take(s) effect only at a restart", rolling.Reason, StringComparison.Ordinal);
        // after Patroni's configuration is written, before the proof
        Assert.True(restart.FindIndex(s => s.Type == ResourceTypes.PatroniConfig) < restart.IndexOf(rolling));
        Assert.Equal(ResourceTypes.Verification, restart[^1].Type);
        Assert.Null(restart.Single(s => s.Type == ResourceTypes.PatroniConfig).Reason);

        var reload = Changes(Planner.Plan(PlannerTests.Graph(PlannerTests.StackText + "\n  hastack:postgres:\n    parameters: { work_mem: 8MB }"), state));
        Assert.Contains(reload, s => s.Type == ResourceTypes.PatroniConfig);
        Assert.DoesNotContain(reload, s => s.Type == ResourceTypes.RollingRestart);
    }

    [Fact]
    public void A_state_from_the_release_before_gets_its_rolling_restart_record_on_load_and_plans_no_change()
    {
        var graph = PlannerTests.Graph();
        var state = PlannerTests.Applied(graph);
        state.Resources.RemoveAll(r => r.Type == ResourceTypes.RollingRestart);
        Assert.Contains(Planner.Plan(graph, state), s => s.Type == ResourceTypes.RollingRestart && s.Op == StepOp.Create);
        StateMigration.Migrate(state);
        Assert.All(Planner.Plan(graph, state), s => Assert.Equal(StepOp.Same, s.Op));
        // and it records what the configuration it came from holds: a changed setting is still a change
        var changed = PlannerTests.Graph(PlannerTests.StackText + "\n  hastack:postgres:\n    parameters: { max_connections: 120 }");
        Assert.Contains(Planner.Plan(changed, state), s => s.Type == ResourceTypes.RollingRestart && s.Op == StepOp.Update);
    }
}
