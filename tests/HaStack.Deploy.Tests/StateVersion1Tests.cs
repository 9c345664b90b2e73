using System.Text.Json.Nodes;
using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

/// <summary>
/// A state file written by the release before JSON inputs (Fixtures/state/v1-three-hosts.json: a 3-host stack with
/// TLS, applied by that release's step runner against fake hosts, passphrase "pw") is read, migrated and planned
/// with no change; a tampered one is refused.
/// </summary>
public sealed class StateVersion1Tests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-state-v1");

    public void Dispose() => dir.Delete(recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "state", name);

    private StateStore Store()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        Directory.CreateDirectory(Path.GetDirectoryName(store.StatePath)!);
        if (!File.Exists(store.StatePath))
            File.Copy(Fixture("v1-three-hosts.json"), store.StatePath);
        return store;
    }

    private static ResourceGraph Graph() => StackPipeline.Plan(StackConfigBinder.Load(
        StackFiles.Parse("name: hastack\n", File.ReadAllText(Fixture("v1-three-hosts.stack.yaml")), "s"), () => null).Config!, new string('b', 64)).Graph;

    [Fact]
    public void A_version_1_state_reads_as_JSON_inputs_and_its_first_up_changes_nothing()
    {
        Assert.Equal(1, (int)JsonNode.Parse(File.ReadAllText(Fixture("v1-three-hosts.json")))!["version"]!);
        var store = Store();
        var state = store.Load("pw");
        Assert.Equal(StackState.CurrentVersion, state.Version);
        Assert.Equal(118, state.Resources.Count);
        // every resource's recorded inputs are what this release's graph makes of the same stack: same hash, nothing to do
        var steps = Planner.Plan(Graph(), state);
        Assert.All(steps, s => Assert.Equal((s.Id, StepOp.Same), (s.Id, s.Op)));
        // the text formats are gone from what is saved: a probe, the etcd peers and a service's reads are JSON
        store.Save(state);
        var saved = JsonNode.Parse(File.ReadAllText(store.StatePath))!;
        Assert.Equal(2, (int)saved["version"]!);
        var etcd = saved["resources"]!.AsArray().Single(r => (string?)r!["id"] == "hastack:host:Service::node1:etcd")!["inputs"]!;
        Assert.Equal("EtcdHealthTls", (string?)etcd["ready"]!["kind"]);
        Assert.Equal(3, etcd["etcd"]!["cluster"]!.AsArray().Count);
        Assert.Equal("restart", (string?)etcd["reads"]!["/etc/default/etcd"]!["effect"]);
        Assert.All(Planner.Plan(Graph(), new StateStore(dir.FullName, "hastack", "s").Load("pw")), s => Assert.Equal(StepOp.Same, s.Op));
    }

    [Theory]
    [InlineData("content", "x", "inputHash does not match")]
    [InlineData("mode", "0777", "inputHash does not match")]
    public void A_version_1_input_changed_by_whoever_holds_the_passphrase_is_refused(string key, string value, string expect)
    {
        var store = Store();
        store.Load("pw");
        var root = JsonNode.Parse(File.ReadAllText(store.StatePath))!.AsObject();
        root["resources"]!.AsArray().Single(r => (string?)r!["id"] == "hastack:host:File::node1:/etc/haproxy/haproxy.cfg")!["inputs"]![key] = value;
        StateStore.Seal(root, store.Key);
        File.WriteAllText(store.StatePath, root.ToJsonString());
        var e = Assert.Throws<StateFileException>(() => new StateStore(dir.FullName, "hastack", "s").Load("pw"));
        Assert.Contains(expect, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_input_in_a_shape_that_release_never_wrote_is_refused_even_with_its_hash_recomputed()
    {
        var store = Store();
        store.Load("pw");
        var root = JsonNode.Parse(File.ReadAllText(store.StatePath))!.AsObject();
        var service = root["resources"]!.AsArray().Single(r => (string?)r!["id"] == "hastack:host:Service::node1:haproxy")!.AsObject();
        var inputs = service["inputs"]!.AsObject();
        inputs["ready"] = "TcpListen 30 5000;reboot";
        service["inputHash"] = StateMigration.Version1Hash("hastack:host:Service", "node1:haproxy", inputs.ToDictionary(kv => kv.Key, kv => (string)kv.Value!));
        StateStore.Seal(root, store.Key);
        File.WriteAllText(store.StatePath, root.ToJsonString());
        var e = Assert.Throws<StateFileException>(() => new StateStore(dir.FullName, "hastack", "s").Load("pw"));
        Assert.Contains("input 'ready.target'", e.Message, StringComparison.Ordinal);
    }
}
