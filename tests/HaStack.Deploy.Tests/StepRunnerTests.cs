using HaStack.Deploy.Engine;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

/// <summary>
/// The step runner and every resource type against fake hosts: what runs where, in which order, what a failure
/// stops, what state records, how a later run resumes, and that a removed host is cleaned up from what was recorded.
/// </summary>
public sealed class StepRunnerTests : IDisposable
{
    private const string Hosts3 = """
            - { name: node1, address: 10.77.0.11 }
            - { name: node2, address: 10.77.0.12 }
            - { name: node3, address: 10.77.0.13 }
        """;

    private static string Stack(string hosts) => $"""
        config:
          hastack:hosts:
        {hosts}
          hastack:vip:
            address: 10.77.0.100/24
          hastack:verify:
            enabled: false
        """;

    private static readonly string Sha = new('b', 64);
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-runner");

    public void Dispose() => dir.Delete(recursive: true);

    private static StackPlan Plan(string hosts = Hosts3) =>
        StackPipeline.Plan(StackConfigBinder.Load(StackFiles.Parse("name: hastack\n", Stack(hosts), "s"), () => null).Config!, Sha);

    /// <summary>A world of fake hosts; a host answers "primary" on Patroni's /primary when it is <paramref name="primary"/>.</summary>
    private sealed class World
    {
        public Dictionary<string, FakeHost> Hosts { get; } = new(StringComparer.Ordinal);
        public List<string> Log { get; } = [];

        public FakeHost this[string name]
        {
            get
            {
                lock (Hosts)
                {
                    if (!Hosts.TryGetValue(name, out var host))
                        Hosts[name] = host = new FakeHost(name, (script, _) => script.Kind == HostOperationKind.FindPrimary && name != "node1" ? FakeHost.Fail("503") : FakeHost.SteadyCluster(name, script));
                    return host;
                }
            }
        }
    }

    private (ApplyContext Context, StackState State, StateStore Store) Setup(StackPlan plan, World world, StackState? state = null, bool purge = false)
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        var loaded = store.Load("pw"); // opens the stack's key, which the store authenticates what it saves with
        state ??= loaded;
        var secrets = new SecretStore(state, plan.Config, store.Key);
        var context = new ApplyContext(plan, secrets, h => world[h], m => { lock (world.Log) world.Log.Add(m); }, purge) { AgentBinary = () => [1, 2, 3] };
        return (context, state, store);
    }

    private static IReadOnlyList<StepReport> Run(ApplyContext context, StackState state, StateStore store, IReadOnlyList<PlannedStep> steps, int parallelism = 8, CancellationToken cancel = default)
    {
        var reports = new List<StepReport>();
        return new StepRunner(context, state, store, parallelism, r => { lock (reports) reports.Add(r); }).Run(steps, cancel);
    }

    [Fact]
    public void A_fresh_stack_creates_every_resource_in_dependency_order_and_records_each()
    {
        var plan = Plan();
        var world = new World();
        var (context, state, store) = Setup(plan, world);
        var reports = Run(context, state, store, Planner.Plan(plan.Graph, state));
        Assert.All(reports, r => Assert.Equal(StepOutcome.Done, r.Outcome));
        Assert.Equal(plan.Graph.Resources.Count, state.Resources.Count);
        // on each host, the install guard is written before apt runs, and a service starts after the files it reads
        foreach (var host in world.Hosts.Values)
        {
            var order = host.Ran.Select(r => (r.Script.Kind, r.Script.Subject)).ToList();
            var installed = order.IndexOf((HostOperationKind.InstallPackages, null));
            Assert.InRange(order.IndexOf((HostOperationKind.WriteFile, "/usr/sbin/policy-rc.d")), 0, installed - 1);
            Assert.InRange(order.IndexOf((HostOperationKind.WriteFile, "/etc/haproxy/haproxy.cfg")), 0, order.IndexOf((HostOperationKind.StartService, "haproxy")) - 1);
        }
        // the SQL setup ran on the primary only, with its script on standard input
        Assert.Contains(world["node1"].Ran, r => r.Script.Kind == HostOperationKind.RunSql && r.Stdin is { Length: > 0 });
        Assert.DoesNotContain(world["node2"].Ran, r => r.Script.Kind == HostOperationKind.RunSql);
        // a second plan against what was recorded has nothing to do
        Assert.All(Planner.Plan(plan.Graph, store.Load("pw")), s => Assert.Equal(StepOp.Same, s.Op));
    }

    [Fact]
    public void Independent_steps_run_side_by_side_and_no_more_than_the_parallelism_allows()
    {
        var plan = Plan();
        var world = new World();
        var running = 0;
        var most = 0;
        foreach (var name in new[] { "node1", "node2", "node3" })
            world[name].Handler = (script, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                Thread.Sleep(20);
                Interlocked.Decrement(ref running);
                return script.Kind == HostOperationKind.FindPrimary && name != "node1" ? FakeHost.Fail("503") : FakeHost.Ok();
            };
        var (context, state, store) = Setup(plan, world);
        Run(context, state, store, Planner.Plan(plan.Graph, state), parallelism: 3);
        Assert.InRange(most, 2, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public void A_failed_step_stops_its_dependents_only_and_the_next_run_resumes_there()
    {
        var plan = Plan();
        var world = new World();
        world["node2"].Handler = (script, _) => script.Kind == HostOperationKind.InstallPackages ? FakeHost.Fail("E: Unable to locate package") : FakeHost.Ok();
        var (context, state, store) = Setup(plan, world);
        var reports = Run(context, state, store, Planner.Plan(plan.Graph, state));
        var failed = Assert.Single(reports, r => r.Outcome == StepOutcome.Failed);
        Assert.Equal("hastack:host:Packages::node2", failed.Step.Id);
        Assert.Contains("E: Unable to locate package", failed.Message, StringComparison.Ordinal);
        Assert.Contains(reports, r => r.Step.Id == "hastack:host:Service::node2:patroni" && r.Outcome == StepOutcome.Skipped);
        Assert.DoesNotContain(world["node2"].Ran, r => r.Script.Kind == HostOperationKind.StartService);
        Assert.NotNull(state.Find("hastack:host:Service::node1:haproxy"));
        Assert.Null(state.Find("hastack:host:Packages::node2"));

        // fixed: the next run creates what is missing and nothing else
        world["node2"].Handler = (_, _) => FakeHost.Ok();
        var resumed = Setup(plan, world, store.Load("pw"));
        var steps = Planner.Plan(plan.Graph, resumed.State);
        // exactly what did not happen the first time: the failed step and what waited on it (Patroni on every host
        // waits for every etcd member), all as creates; what was done is not done again
        // and node2's etcd, which the others now run without it, gets its join step first (a member already: it adds nothing)
        var notDone = reports.Where(r => r.Outcome != StepOutcome.Done).Select(r => r.Step.Id).Append("hastack:cluster:EtcdJoin::node2").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(notDone, steps.Where(s => s.IsChange).Select(s => s.Id).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["hastack:cluster:EtcdJoin::node2"], steps.Single(s => s.Id == "hastack:host:Service::node2:etcd").After);
        Assert.All(steps.Where(s => s.IsChange), s => Assert.Equal(StepOp.Create, s.Op));
        Assert.Contains("hastack:host:Service::node1:patroni", notDone);
        Assert.All(Run(resumed.Context, resumed.State, resumed.Store, steps), r => Assert.Equal(StepOutcome.Done, r.Outcome));
    }

    [Fact]
    public void Cancelling_lets_the_step_in_flight_finish_records_it_and_starts_nothing_more()
    {
        var plan = Plan();
        var world = new World();
        using var cancel = new CancellationTokenSource();
        world["node1"].Handler = (script, _) =>
        {
            if (script.Kind == HostOperationKind.InstallPackages)
                cancel.Cancel();
            return FakeHost.Ok();
        };
        var (context, state, store) = Setup(plan, world);
        var reports = Run(context, state, store, Planner.Plan(plan.Graph, state), parallelism: 1, cancel: cancel.Token);
        Assert.Contains(reports, r => r.Step.Id == "hastack:host:Packages::node1" && r.Outcome == StepOutcome.Done);
        Assert.NotNull(store.Load("pw").Find("hastack:host:Packages::node1"));
        Assert.Contains(reports, r => r.Outcome == StepOutcome.Skipped && r.Message == "cancelled");
        Assert.DoesNotContain(world.Hosts.Values.SelectMany(h => h.Ran), r => r.Script.Kind == HostOperationKind.StartService);
    }

    [Fact]
    public void A_removed_host_is_cleaned_up_from_what_it_recorded_and_the_others_drop_it()
    {
        var four = Plan(Hosts3 + "\n    - { name: node4, address: 10.77.0.14, roles: [db, proxy] }");
        var world = new World();
        var (context, state, store) = Setup(four, world);
        Run(context, state, store, Planner.Plan(four.Graph, state));
        var recorded = state.Resources.Where(r => r.Host == "node4").ToList();

        var three = Plan();
        var later = new World();
        var after = Setup(three, later, store.Load("pw"), purge: true);
        var steps = Planner.Plan(three.Graph, after.State);
        var reports = Run(after.Context, after.State, after.Store, steps);
        Assert.All(reports, r => Assert.Equal(StepOutcome.Done, r.Outcome));
        // the proof runs once the host is gone, not before
        var order = reports.Select(r => r.Step).ToList();
        Assert.True(order.FindIndex(s => s.Type == ResourceTypes.Verification) > order.FindLastIndex(s => s.Op == StepOp.Delete));
        var node4 = later["node4"];
        // its agent stopped first (planned: it leaves the VIP group), then exactly the delete scripts of what node4
        // recorded, from its recorded inputs, dependents first; the handover found node1 leading and did nothing there
        Assert.Equal([ResourceTypes.AgentLeave, ResourceTypes.Handover], steps.TakeWhile(s => ResourceKinds.Of(s.Type).RunsFirst).Select(s => s.Type));
        var expected = Planner.PlanDestroy(new StackState { Resources = recorded })
            .Select(s => ResourceOperations.Of(s.Recorded!.Spec).DeleteWithData).OfType<HostScript>().Select(s => s.Text)
            .Prepend(HostOperations.Systemctl("stop", "hastack-vrrpd").Text).ToList();
        Assert.Equal(expected, node4.Texts.ToList());
        Assert.Contains(node4.Texts, t => t.Contains("rm -rf -- '/var/lib/postgresql/15/main'", StringComparison.Ordinal));
        Assert.DoesNotContain(after.State.Resources, r => r.Host == "node4");
        // the others' HAProxy and agent configs no longer name node4
        var haproxy = steps.Single(s => s.Id == "hastack:host:File::node1:/etc/haproxy/haproxy.cfg");
        Assert.Equal(StepOp.Update, haproxy.Op);
        Assert.DoesNotContain("10.77.0.14", ((FileInputs)haproxy.Desired!.Spec).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_vip_hosts_leaving_at_once_stop_their_agents_before_the_vip_is_looked_for_on_the_staying_hosts()
    {
        var five = Plan(Hosts3 + "\n    - { name: node4, address: 10.77.0.14, roles: [proxy] }\n    - { name: node5, address: 10.77.0.15, roles: [proxy] }");
        var world = new World();
        var (context, state, store) = Setup(five, world);
        Run(context, state, store, Planner.Plan(five.Graph, state));

        // the VIP is on node5, the second of the leaving hosts: it moves to node1 only when node5's agent stops
        var later = new World();
        var holder = "node5";
        foreach (var name in new[] { "node1", "node2", "node3", "node4", "node5" })
            later[name].Handler = (script, _) =>
            {
                if (script.Kind == HostOperationKind.VipLookup)
                    return name == holder ? FakeHost.Ok() : FakeHost.Fail("");
                if (name == "node5" && script.Text == HostOperations.Systemctl("stop", "hastack-vrrpd").Text)
                    holder = "node1";
                return script.Kind == HostOperationKind.FindPrimary && name != "node1" ? FakeHost.Fail("503") : FakeHost.SteadyCluster(name, script);
            };
        var three = Plan();
        var after = Setup(three, later, store.Load("pw"));
        var steps = Planner.Plan(three.Graph, after.State);
        Assert.Equal(["hastack:cluster:AgentLeave::node4", "hastack:cluster:AgentLeave::node5"], steps.Where(s => s.Type == ResourceTypes.AgentLeave).Select(s => s.Id));
        var reports = Run(after.Context, after.State, after.Store, steps);
        Assert.All(reports, r => Assert.Equal(StepOutcome.Done, r.Outcome));
        // only the last leaving agent looked for the VIP, and found it where node5's priority-0 advert sent it
        Assert.Equal(["10.77.0.100 is on node1"], later.Log.Where(m => m.StartsWith("10.77.0.100 is on", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_service_reloads_restarts_or_is_left_alone_as_its_changed_inputs_ask()
    {
        var plan = Plan();
        var service = plan.Graph.Resources.Single(r => r.Id == "hastack:host:Service::node1:pgbouncer");
        var recorded = new ResourceState { Id = service.Id, Type = service.Type, Name = service.Name, Host = "node1", Spec = service.Spec };
        // the changes as the service kind's diff judges them: a reloadable file's hash, the probe (nothing on the host)
        var ini = service with { Spec = (ServiceInputs)service.Spec with { Reads = [.. ((ServiceInputs)service.Spec).Reads.Select(r => r with { Hash = new string('0', 64) })] } };
        var probe = service with { Spec = (ServiceInputs)service.Spec with { Ready = ((ServiceInputs)service.Spec).Ready with { Seconds = 99 } } };
        var kind = ResourceKinds.Of(service.Type);
        foreach (var (diff, drifted, expect, absent) in new (InputDiff, bool, string, string)[]
        {
            (kind.Diff(ini.Spec, service.Spec), false, "systemctl reload 'pgbouncer'", "; systemctl restart 'pgbouncer'\n"),
            (kind.Diff(probe.Spec, service.Spec), false, "systemctl is-active --quiet 'pgbouncer' || systemctl restart 'pgbouncer'", "systemctl reload"),
            (kind.Diff(ini.Spec, service.Spec), true, "\nsystemctl restart 'pgbouncer'\n", "systemctl reload"),
        })
        {
            var world = new World();
            var (context, _, _) = Setup(plan, world);
            Providers.Providers.For(service.Type).Apply(context, new PlannedStep(StepOp.Update, service.Id, service, recorded, diff, Drifted: drifted));
            var text = Assert.Single(world["node1"].Texts);
            Assert.Contains(expect, text, StringComparison.Ordinal);
            Assert.DoesNotContain(absent, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_agent_binary_is_uploaded_only_when_the_hosts_copy_differs()
    {
        var plan = Plan();
        var binary = plan.Graph.Resources.Single(r => r.Id == "hastack:host:AgentBinary::node1");
        foreach (var (hostHas, uploads) in new[] { (Sha, false), (new string('c', 64), true), ("", true) })
        {
            var world = new World();
            world["node1"].Handler = (script, _) => FakeHost.Ok(script.Kind == HostOperationKind.ReadFile ? hostHas + "\n" : "");
            var (context, _, _) = Setup(plan, world);
            Providers.Providers.For(binary.Type).Apply(context, new PlannedStep(StepOp.Create, binary.Id, binary, null, InputDiff.Same));
            Assert.Equal(uploads, world["node1"].Ran.Any(r => r.Script.Input == ScriptInput.AgentBinary && r.Stdin is [1, 2, 3]));
        }
    }

    [Fact]
    public void Drift_is_read_back_from_recorded_inputs()
    {
        var plan = Plan();
        var world = new World();
        var (context, state, store) = Setup(plan, world);
        Run(context, state, store, Planner.Plan(plan.Graph, state));
        world["node2"].Handler = (script, _) => (script.Kind, script.Subject) switch
        {
            (HostOperationKind.ReadService, "haproxy") => FakeHost.Ok("inactive\n"),
            (HostOperationKind.ReadFile, "/etc/haproxy/haproxy.cfg") => FakeHost.Ok(new string('d', 64) + "\n"),
            (HostOperationKind.ReadPackages, _) => FakeHost.Ok("haproxy deinstall\n"),
            _ => FakeHost.Ok(),
        };
        string? DriftOf(string id) => Providers.Providers.For(state.Find(id)!.Type).Drift(context, state.Find(id)!);
        Assert.Equal("the service is inactive, not active", DriftOf("hastack:host:Service::node2:haproxy"));
        Assert.Equal("the file was changed on the host", DriftOf("hastack:host:File::node2:/etc/haproxy/haproxy.cfg"));
        Assert.Contains("haproxy", DriftOf("hastack:host:Packages::node2"), StringComparison.Ordinal);
    }
}
