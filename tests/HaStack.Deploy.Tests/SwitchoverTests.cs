using HaStack.Deploy.Cluster;
using HaStack.Infra;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Tests;

/// <summary>
/// hastack switchover against fake hosts whose Patroni answers from a member table: the candidate it picks or
/// refuses, the pooler paused before and resumed after whatever happens, the REST password only on standard input.
/// </summary>
public class SwitchoverTests
{
    private const string Password = "rest-pw-'$(x)";

    private static StackPlan Plan(string synchronousMode = "on", string placement = "database") => ThreeHostStack.Plan(
        $"  hastack:postgres:\n    synchronousMode: {synchronousMode}\n  hastack:pgbouncer:\n    placement: {placement}\n");

    /// <summary>Three hosts; node1 leads and node2 is the sync standby until a switchover script runs, then node2 leads.</summary>
    private sealed class Cluster
    {
        public string Leader = "node1";
        public Func<HostScript, RemoteResultOverride?> Override = _ => null;

        /// <summary>A connection lost while the script runs, as SSH would throw.</summary>
        public Func<HostScript, Exception?> Lost = _ => null;

        /// <summary>How many more times each HAProxy still sends writes to the old primary after the switchover.</summary>
        public int StaleRoutes;
        public Dictionary<string, FakeHost> Hosts { get; } = [];

        /// <summary>Every script any host ran, in the order they ran.</summary>
        public List<(string Host, HostOperationKind Kind)> Journal { get; } = [];

        public Cluster()
        {
            foreach (var name in new[] { "node1", "node2", "node3" })
                Hosts[name] = new FakeHost(name, (script, stdin) =>
                {
                    // the poolers are paused and resumed on every host at once
                    lock (Journal)
                    {
                        Journal.Add((name, script.Kind));
                        return Answer(script, stdin);
                    }
                });
        }

        private Remote.RemoteResult Answer(HostScript script, byte[]? stdin)
        {
            if (Lost(script) is { } lost)
                throw lost;
            if (Override(script) is { } forced)
                return forced.Result;
            if (script.Kind == HostOperationKind.PatroniSwitchover)
            {
                Leader = script.Subject!;
                return FakeHost.Ok();
            }
            if (script.Kind == HostOperationKind.HaproxyServers)
            {
                var routed = Leader == "node1" || StaleRoutes-- > 0 ? "node1" : Leader;
                return FakeHost.Ok("HTTP/1.0 200 OK\r\n\r\n# pxname,svname,qcur,status,weight\n" + string.Join('\n', new[] { "node1", "node2", "node3" }.Select(n =>
                    $"writes,{n},0,{(n == routed ? "UP" : "DOWN")},1")) + "\nwrites,BACKEND,0,UP,1\n");
            }
            if (script.Kind == HostOperationKind.PatroniMembers)
                return FakeHost.Ok(FakeHost.PatroniCluster(new[] { "node1", "node2", "node3" }.Select(n =>
                    (n, n == Leader ? "leader" : n == (Leader == "node1" ? "node2" : "node1") ? "sync_standby" : "replica", n == Leader ? "running" : "streaming", (int?)3))));
            return FakeHost.Ok();
        }

        public IEnumerable<HostOperationKind> Kinds(string host) => Hosts[host].Ran.Select(r => r.Script.Kind);
    }

    private sealed record RemoteResultOverride(Remote.RemoteResult Result);

    private static bool IsPooler(HostOperationKind kind) => kind is HostOperationKind.PgBouncerPause or HostOperationKind.PgBouncerResume;

    private static PlannedSwitchover Switchover(Cluster cluster, string mode = "on", string placement = "database") =>
        new(Plan(mode, placement), h => cluster.Hosts[h], Password, _ => { });

    [Fact]
    public void By_default_the_sync_standby_takes_over_between_a_pause_and_a_resume_of_the_old_primarys_pooler()
    {
        var cluster = new Cluster();
        var result = Switchover(cluster).Run(to: null);
        Assert.Equal(("node1", "node2"), (result.From, result.To));
        var onOld = cluster.Kinds("node1").Where(k => k != HostOperationKind.PatroniMembers).ToList();
        Assert.Equal([HostOperationKind.PgBouncerPause, HostOperationKind.PatroniSwitchover, HostOperationKind.PgBouncerResume], onOld);
        var sent = cluster.Hosts["node1"].Ran.Single(r => r.Script.Kind == HostOperationKind.PatroniSwitchover);
        Assert.Equal("node2", sent.Script.Subject);
        Assert.Equal(Password, System.Text.Encoding.UTF8.GetString(sent.Stdin!));
        Assert.DoesNotContain(Password, sent.Script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void In_synchronous_mode_a_member_other_than_the_sync_standby_is_refused_before_anything_is_touched()
    {
        var cluster = new Cluster();
        var refused = Assert.Throws<SwitchoverException>(() => Switchover(cluster).Run(to: "node3"));
        Assert.Contains("only to the sync standby (node2)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Hosts.Values.SelectMany(h => h.Ran), r => IsPooler(r.Script.Kind));
        Assert.Throws<SwitchoverException>(() => Switchover(cluster).Run(to: "node1"));
        Assert.Throws<SwitchoverException>(() => Switchover(cluster).Run(to: "node9"));
        // without synchronous mode any running replica may take over
        Assert.Equal("node3", Switchover(cluster, "off").Run(to: "node3").To);
    }

    [Fact]
    public void A_pooler_that_does_not_pause_is_resumed_and_nothing_is_switched()
    {
        var cluster = new Cluster { Override = s => s.Kind == HostOperationKind.PgBouncerPause ? new(FakeHost.Fail("timeout")) : null };
        var failed = Assert.Throws<SwitchoverException>(() => Switchover(cluster).Run(to: null));
        Assert.Contains("nothing was switched", failed.Message, StringComparison.Ordinal);
        Assert.Equal("node1", cluster.Leader);
        Assert.Contains(HostOperationKind.PgBouncerResume, cluster.Kinds("node1"));
    }

    [Fact]
    public void A_pooler_that_does_not_resume_after_a_switchover_fails_the_command_and_says_where()
    {
        var cluster = new Cluster { Override = s => s.Kind == HostOperationKind.PgBouncerResume ? new(FakeHost.Fail("admin console gone")) : null };
        var failed = Assert.Throws<SwitchoverException>(() => Switchover(cluster).Run(to: null));
        Assert.Equal("node2", cluster.Leader);
        Assert.Contains("node2 leads, but PgBouncer did not resume on node1: admin console gone", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_lost_during_the_resume_does_not_hide_why_the_switchover_failed()
    {
        var cluster = new Cluster
        {
            Override = s => s.Kind == HostOperationKind.PatroniSwitchover ? new(FakeHost.Fail("Patroni refused the switchover: 412")) : null,
            Lost = s => s.Kind == HostOperationKind.PgBouncerResume ? new IOException("connection reset") : null,
        };
        var failed = Assert.Throws<Remote.RemoteCommandException>(() => Switchover(cluster).Run(to: null));
        Assert.Contains("412", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_switchover_Patroni_refuses_still_resumes_the_pooler()
    {
        var cluster = new Cluster { Override = s => s.Kind == HostOperationKind.PatroniSwitchover ? new(FakeHost.Fail("Patroni refused the switchover: 412")) : null };
        Assert.Throws<Remote.RemoteCommandException>(() => Switchover(cluster).Run(to: null));
        Assert.Equal(HostOperationKind.PgBouncerResume, cluster.Kinds("node1").Last());
    }

    [Fact]
    public void With_the_pooler_on_the_proxies_every_proxy_pauses_and_resumes_only_once_its_HAProxy_sends_writes_to_the_new_primary_alone()
    {
        var cluster = new Cluster { StaleRoutes = 6 };
        var result = Switchover(cluster, placement: "proxy").Run(to: null);
        Assert.Equal("node2", result.To);
        foreach (var host in new[] { "node1", "node2", "node3" })
        {
            var steps = cluster.Kinds(host).Where(k => IsPooler(k) || k == HostOperationKind.HaproxyServers).ToList();
            Assert.Equal(HostOperationKind.PgBouncerPause, steps[0]);
            Assert.Equal(HostOperationKind.PgBouncerResume, steps[^1]);
        }
        // every proxy paused before Patroni was asked, and no proxy resumed before the last stale answer
        var order = cluster.Journal.Select(r => r.Kind).ToList();
        var switched = order.IndexOf(HostOperationKind.PatroniSwitchover);
        Assert.Equal(3, order.Take(switched).Count(k => k == HostOperationKind.PgBouncerPause));
        var lastStale = order.Select((k, i) => (k, i)).Where(x => x.k == HostOperationKind.HaproxyServers).Select(x => x.i).ElementAt(5);
        Assert.Equal(0, order.Take(lastStale).Count(k => k == HostOperationKind.PgBouncerResume));
        Assert.Equal(3, order.Count(k => k == HostOperationKind.PgBouncerResume));
    }

    [Fact]
    public void When_one_proxy_does_not_pause_every_proxy_resumes_and_nothing_is_switched()
    {
        var cluster = new Cluster();
        cluster.Override = s => s.Kind == HostOperationKind.PgBouncerPause && cluster.Journal[^1].Host == "node2" ? new(FakeHost.Fail("timeout")) : null;
        var failed = Assert.Throws<SwitchoverException>(() => Switchover(cluster, placement: "proxy").Run(to: null));
        Assert.Contains("node2: timeout", failed.Message, StringComparison.Ordinal);
        Assert.Equal("node1", cluster.Leader);
        Assert.DoesNotContain(cluster.Journal, r => r.Kind == HostOperationKind.PatroniSwitchover);
        foreach (var host in new[] { "node1", "node2", "node3" })
            Assert.Equal(HostOperationKind.PgBouncerResume, cluster.Kinds(host).Last());
    }

    /// <summary>
    /// A planned delete of the Patroni service on each host (what removing them from the stack plans), and the
    /// orchestration the planner derives from it.
    /// </summary>
    private static List<Planning.PlannedStep> PatroniLeaves(params string[] hosts)
    {
        var state = new State.StackState();
        var steps = new[] { "node1", "node2", "node3" }.Select(h =>
        {
            var recorded = new State.ResourceState
            {
                Id = $"hastack:host:Service::{h}:patroni", Type = Infra.Graph.ResourceTypes.Service, Name = $"{h}:patroni", Host = h,
                Spec = new Infra.Graph.ServiceInputs("patroni", [], new Infra.Catalogue.ReadinessProbe(Infra.Catalogue.ProbeKind.Active, "", 30), []),
            };
            state.Hosts[h] = new State.HostRecord($"10.77.0.{h[^1]}1", 22, null, null, 12);
            return new Planning.PlannedStep(hosts.Contains(h) ? Planning.StepOp.Delete : Planning.StepOp.Same, recorded.Id, null, recorded, Infra.Graph.InputDiff.Same);
        }).ToList();
        var config = Plan().Graph.Resources.Single(r => r.Type == Infra.Graph.ResourceTypes.PatroniConfig);
        steps.Add(new Planning.PlannedStep(Planning.StepOp.Same, config.Id, config, null, Infra.Graph.InputDiff.Same));
        return Planning.ClusterSteps.Around(steps, state);
    }

    /// <summary>The planned handover step run against the fake cluster; its outputs.</summary>
    private static IReadOnlyDictionary<string, string> HandOver(Cluster cluster, StackPlan plan, Planning.PlannedStep step)
    {
        var secrets = new State.SecretStore(new State.StackState(), plan.Config, "pw");
        secrets.Set(Infra.Rendering.SecretNames.PatroniRest, Password);
        var context = new Providers.ApplyContext(plan, secrets, h => cluster.Hosts[h], _ => { }, purgeData: false);
        return Providers.Providers.For(step.Type).Apply(context, step);
    }

    private static Planning.PlannedStep? Handover(IReadOnlyList<Planning.PlannedStep> steps) =>
        steps.SingleOrDefault(s => s.Type == Infra.Graph.ResourceTypes.Handover);

    [Fact]
    public void The_primarys_host_leaving_is_planned_as_a_handover_first_that_switches_to_the_sync_standby_through_the_address_state_keeps()
    {
        var cluster = new Cluster();
        var steps = PatroniLeaves("node1");
        Assert.Equal(Infra.Graph.ResourceTypes.Handover, steps[0].Type);
        Assert.Equal("10.77.0.11", ((Infra.Graph.HandoverInputs)steps[0].Desired!.Spec).Leaving.Single().Address);
        var outputs = HandOver(cluster, Plan(), steps[0]);
        Assert.Equal("node2", outputs["primary"]);
        Assert.Equal("node2", cluster.Leader);
        Assert.Equal([HostOperationKind.PgBouncerPause, HostOperationKind.PatroniSwitchover, HostOperationKind.PgBouncerResume],
            cluster.Kinds("node1").Where(k => IsPooler(k) || k == HostOperationKind.PatroniSwitchover));
        Assert.Equal("node2", cluster.Hosts["node1"].Ran.Single(r => r.Script.Kind == HostOperationKind.PatroniSwitchover).Script.Subject);
    }

    [Fact]
    public void A_replica_leaving_needs_no_switchover_and_a_leaving_sync_standby_cannot_take_over()
    {
        var cluster = new Cluster();
        Assert.Equal("node1", HandOver(cluster, Plan(), Handover(PatroniLeaves("node3"))!)["primary"]);
        Assert.DoesNotContain(cluster.Journal, r => r.Kind == HostOperationKind.PatroniSwitchover || IsPooler(r.Kind));
        // synchronous mode: only the named standby may take over, and it leaves too
        var refused = Assert.Throws<SwitchoverException>(() => HandOver(cluster, Plan(), Handover(PatroniLeaves("node1", "node2"))!));
        Assert.Contains("sync standby", refused.Message, StringComparison.Ordinal);
        Assert.Equal("node1", cluster.Leader);
        // destroy: every member goes, nobody is switched to, and no handover is planned
        Assert.Null(Handover(PatroniLeaves("node1", "node2", "node3")));
        // without it, a running replica that stays takes over
        Assert.Equal("node3", HandOver(cluster, Plan("off"), Handover(PatroniLeaves("node1", "node2"))!)["primary"]);
    }
}
