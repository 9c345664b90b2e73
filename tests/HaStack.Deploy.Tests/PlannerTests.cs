using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

public class PlannerTests
{
    private const string Stack = """
        config:
          hastack:hosts:
            - { name: node1, address: 10.77.0.11 }
            - { name: node2, address: 10.77.0.12 }
            - { name: node3, address: 10.77.0.13 }
          hastack:vip:
            address: 10.77.0.100/24
        """;

    internal const string StackText = Stack;

    internal static ResourceGraph Graph(string stack = Stack) =>
        StackPipeline.Plan(StackConfigBinder.Load(StackFiles.Parse("name: hastack\n", stack, "t"), () => null).Config!, new string('a', 64)).Graph;

    internal static StackState Applied(ResourceGraph graph)
    {
        var state = new StackState();
        foreach (var r in graph.Resources)
            state.Put(ResourceState.Of(r));
        return state;
    }

    [Fact]
    public void Everything_is_created_on_an_empty_state_in_graph_order()
    {
        var graph = Graph();
        var steps = Planner.Plan(graph, new StackState());
        Assert.All(steps, s => Assert.Equal(StepOp.Create, s.Op));
        Assert.Equal(graph.Resources.Select(r => r.Id), steps.Select(s => s.Id));
    }

    [Fact]
    public void Nothing_changes_when_state_matches()
    {
        var graph = Graph();
        Assert.All(Planner.Plan(graph, Applied(graph)), s => Assert.Equal(StepOp.Same, s.Op));
    }

    [Fact]
    public void A_changed_setting_updates_exactly_its_resources_and_names_the_changed_keys()
    {
        var before = Graph();
        var after = Graph(Stack + "\n  hastack:pgbouncer: { defaultPoolSize: 50 }");
        var all = Planner.Plan(after, Applied(before)).Where(s => s.IsChange).ToList();
        // a deployment that changed anything ends with the failover proof again
        var proof = Assert.Single(all, s => s.Type == ResourceTypes.Verification);
        Assert.Equal((StepOp.Update, "the deployment changed"), (proof.Op, proof.Reason));
        Assert.Empty(proof.ChangedKeys);
        var changes = all.Where(s => s != proof).ToList();
        Assert.Equal(6, changes.Count);
        Assert.All(changes, s => Assert.Equal(StepOp.Update, s.Op));
        var service = changes.Single(s => s.Id == "hastack:host:Service::node1:pgbouncer");
        Assert.Equal(["reads[/etc/pgbouncer/pgbouncer.ini]"], service.ChangedKeys);
        Assert.Equal(ServiceEffect.Reload, service.Diff.Effect);
        Assert.Equal(["content"], changes.Single(s => s.Id == "hastack:host:File::node1:/etc/pgbouncer/pgbouncer.ini").ChangedKeys);
    }

    [Fact]
    public void Resources_gone_from_the_graph_are_deleted_after_the_rest_dependents_first_and_before_the_proof()
    {
        var big = Graph();
        var small = Graph(Stack.Replace("    - { name: node3, address: 10.77.0.13 }\n", "", StringComparison.Ordinal));
        var steps = Planner.Plan(small, Applied(big));
        var deletes = steps.SkipWhile(s => s.Op != StepOp.Delete).TakeWhile(s => s.Op == StepOp.Delete).ToList();
        // the proof comes after the deletes: it must see the stack without the host
        Assert.Equal(ResourceTypes.Verification, steps[^1].Type);
        Assert.Equal(StepOp.Delete, steps[^2].Op);
        // node3's resources, and its certificate (issued off the hosts, so of no host)
        Assert.All(deletes, s => Assert.Equal("node3", s.Host ?? (s.Id == "hastack:cluster:Certificate::node3" ? "node3" : null)));
        var order = deletes.Select(s => s.Id).ToList();
        Assert.True(order.IndexOf("hastack:host:Service::node3:haproxy") < order.IndexOf("hastack:host:File::node3:/etc/haproxy/haproxy.cfg"));
        Assert.True(order.IndexOf("hastack:host:Service::node3:hastack-vrrpd") < order.IndexOf("hastack:host:Service::node3:haproxy"));
        Assert.Equal("hastack:host:Packages::node3", order.Where(id => !id.StartsWith("hastack:cluster:", StringComparison.Ordinal)).ToList()[^3]);
        // the certificate goes after the files that carry it
        Assert.True(order.IndexOf("hastack:cluster:Certificate::node3") > order.IndexOf("hastack:host:File::node3:/etc/hastack/tls/host.key"));
    }

    [Fact]
    public void Etcd_members_join_or_leave_a_running_cluster_one_per_up_and_a_new_cluster_starts_whole()
    {
        Assert.Empty(PlanLimits.Problems(Planner.Plan(Graph(), new StackState())));
        var three = Applied(Graph());
        var withNode4 = Stack.Replace("    - { name: node3, address: 10.77.0.13 }\n", "    - { name: node3, address: 10.77.0.13 }\n    - { name: node4, address: 10.77.0.14 }\n", StringComparison.Ordinal);
        var grown = Planner.Plan(Graph(withNode4), three);
        Assert.Empty(PlanLimits.Problems(grown));
        // the members that stay learn of the new one without a restart: etcd reads its peers only at its first start
        var staying = grown.Single(s => s.Id == "hastack:host:Service::node1:etcd");
        Assert.Equal((StepOp.Update, ServiceEffect.None), (staying.Op, staying.Diff.Effect));
        Assert.Equal(["etcd.cluster"], staying.ChangedKeys);
        Assert.Empty(PlanLimits.Problems(Planner.Plan(Graph(Stack.Replace("    - { name: node3, address: 10.77.0.13 }\n", "", StringComparison.Ordinal)), three)));

        var swapped = withNode4.Replace("    - { name: node3, address: 10.77.0.13 }\n", "", StringComparison.Ordinal);
        var problem = Assert.Single(PlanLimits.Problems(Planner.Plan(Graph(swapped), three)));
        Assert.Contains("node4 would join and node3 would leave in one up", problem, StringComparison.Ordinal);
        Assert.Contains("fix: add or remove one etcd host per up", problem, StringComparison.Ordinal);
        var two = withNode4.Replace("    - { name: node4, address: 10.77.0.14 }\n", "    - { name: node4, address: 10.77.0.14 }\n    - { name: node5, address: 10.77.0.15 }\n", StringComparison.Ordinal);
        Assert.Contains("node4, node5 would join in one up", Assert.Single(PlanLimits.Problems(Planner.Plan(Graph(two), three))), StringComparison.Ordinal);
        // a host that keeps its other roles but not etcd leaves the cluster like a host that goes
        var roleDropped = Stack.Replace("{ name: node3, address: 10.77.0.13 }", "{ name: node3, address: 10.77.0.13, roles: [db, proxy] }", StringComparison.Ordinal);
        var dropped = Planner.Plan(Graph(roleDropped), three);
        Assert.Equal(StepOp.Delete, dropped.Single(s => s.Id == "hastack:host:Service::node3:etcd").Op);
        Assert.Empty(PlanLimits.Problems(dropped));
    }

    [Fact]
    public void Turning_TLS_on_or_off_under_a_running_etcd_cluster_is_refused_at_preview_and_a_new_cluster_takes_either()
    {
        var plaintext = Stack + "\n  hastack:tls: { enabled: false }";
        Assert.Empty(PlanLimits.Problems(Planner.Plan(Graph(plaintext), new StackState())));
        Assert.Empty(PlanLimits.Problems(Planner.Plan(Graph(plaintext), Applied(Graph(plaintext)))));

        var on = Assert.Single(PlanLimits.Problems(Planner.Plan(Graph(), Applied(Graph(plaintext)))));
        Assert.Contains("etcd: node1, node2, node3 run without TLS", on, StringComparison.Ordinal);
        Assert.Contains("fix: set hastack:tls.enabled: false", on, StringComparison.Ordinal);
        var off = Assert.Single(PlanLimits.Problems(Planner.Plan(Graph(plaintext), Applied(Graph()))));
        Assert.Contains("run with TLS", off, StringComparison.Ordinal);
        Assert.Contains("fix: set hastack:tls.enabled: true", off, StringComparison.Ordinal);

        // a member joining a plaintext cluster with TLS asked for: the members that stay are what is refused
        var grown = plaintext.Replace("    - { name: node3, address: 10.77.0.13 }\n", "    - { name: node3, address: 10.77.0.13 }\n    - { name: node4, address: 10.77.0.14 }\n", StringComparison.Ordinal)
            .Replace("enabled: false", "enabled: true", StringComparison.Ordinal);
        Assert.Contains("node1, node2, node3 run without TLS", Assert.Single(PlanLimits.Problems(Planner.Plan(Graph(grown), Applied(Graph(plaintext))))), StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_found_by_refresh_updates_the_file_and_has_its_service_read_it_again()
    {
        var graph = Graph();
        var state = Applied(graph);
        state.Find("hastack:host:File::node2:/etc/haproxy/haproxy.cfg")!.Drift = "the file was changed on the host";
        var changes = Planner.Plan(graph, state).Where(s => s.IsChange && s.Type != ResourceTypes.Verification).ToList();
        Assert.Equal(2, changes.Count);
        var file = changes.Single(s => s.Type == ResourceTypes.File);
        Assert.Equal((StepOp.Update, "hastack:host:File::node2:/etc/haproxy/haproxy.cfg", true), (file.Op, file.Id, file.Drifted));
        Assert.Empty(file.ChangedKeys);
        // the running HAProxy still has the hand-edited copy: it reloads the repaired one
        var service = changes.Single(s => s.Type == ResourceTypes.Service);
        Assert.Equal((StepOp.Update, "hastack:host:Service::node2:haproxy", "reads[/etc/haproxy/haproxy.cfg]", ServiceEffect.Reload),
            (service.Op, service.Id, Assert.Single(service.ChangedKeys), service.Diff.Effect));
    }

    [Fact]
    public void Destroy_removes_everything_with_dependents_before_what_they_depend_on()
    {
        var graph = Graph();
        var steps = Planner.PlanDestroy(Applied(graph));
        Assert.Equal(graph.Resources.Count, steps.Count);
        var position = steps.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i);
        foreach (var r in graph.Resources)
            Assert.All(r.DependsOn, d => Assert.True(position[r.Id] < position[d], $"{r.Id} must go before {d}"));
    }

    [Fact]
    public void A_rotated_secret_applies_again_what_was_applied_with_it_and_what_reads_those_files_reloads()
    {
        var graph = Graph();
        var state = Applied(graph);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in graph.Resources)
        {
            foreach (var name in r.SecretRefs)
                versions[name] = "v1:" + new string('0', 32);
            state.Find(r.Id)!.SecretVersions = new SortedDictionary<string, string>(r.SecretRefs.ToDictionary(n => n, _ => "v1:" + new string('0', 32)), StringComparer.Ordinal);
        }
        Assert.All(Planner.Plan(graph, state, n => versions.GetValueOrDefault(n)), s => Assert.Equal(StepOp.Same, s.Op));

        var rotated = graph.Resources.First(r => r.Type == ResourceTypes.File && r.Name.EndsWith("/etc/pgbouncer/userlist.txt", StringComparison.Ordinal)).SecretRefs[0];
        versions[rotated] = "v1:" + new string('1', 32);
        var changes = Planner.Plan(graph, state, n => versions.GetValueOrDefault(n)).Where(s => s.IsChange).ToList();
        var rewritten = changes.Where(s => s.Reason == $"secret {rotated} changed").Select(s => s.Id).ToList();
        Assert.Equal(graph.Resources.Where(r => r.SecretRefs.Contains(rotated)).Select(r => r.Id).Order(StringComparer.Ordinal), rewritten.Order(StringComparer.Ordinal));
        // each PgBouncer reads its userlist again; nothing else restarts, and the deployment is proven again
        Assert.All(changes.Where(s => s.Type == ResourceTypes.Service), s => Assert.Equal("pgbouncer", ((ServiceInputs)s.Desired!.Spec).Unit));
        Assert.Single(changes, s => s.Type == ResourceTypes.Verification);
        // state without versions (written before they existed) plans no rotation
        foreach (var r in state.Resources)
            r.SecretVersions = null;
        Assert.All(Planner.Plan(graph, state, n => versions.GetValueOrDefault(n)), s => Assert.Equal(StepOp.Same, s.Op));
    }
}
