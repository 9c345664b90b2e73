using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

/// <summary>
/// State files damaged or written to attack: each is refused on load with one StateFileException naming what is
/// wrong, and nothing else is thrown. A value that could reach a shell (a path, a unit, a package, a data directory)
/// is refused even when its input hash was recomputed to match.
/// </summary>
public sealed class HostileStateFileTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-hostile-state");

    public void Dispose() => dir.Delete(recursive: true);

    /// <summary>The stack's key, made once: an attacker who knows it (the second line of defence) passes the authentication.</summary>
    private static readonly (string Salt, PassphraseCrypter Key) Stack = PassphraseCrypter.Create("pw");
    private static readonly string Salt = Stack.Salt;

    private StackState Load() => new StateStore(dir.FullName, "hastack", "s").Load(_ => Stack.Key);

    /// <summary>A valid state of the 3-host test stack, as JSON.</summary>
    private static JsonObject ValidState()
    {
        var graph = PlannerTests.Graph();
        var state = PlannerTests.Applied(graph);
        state.Project = "hastack";
        state.Stack = "s";
        state.EncryptionSalt = Salt;
        foreach (var (host, i) in new[] { ("node1", 11), ("node2", 12), ("node3", 13) })
            state.Hosts[host] = new HostRecord($"10.77.0.{i}", 0, null, null);
        state.Secrets["replication"] = "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAA";
        state.Outputs["vipAddress"] = new OutputValue("10.77.0.100", false);
        return JsonNode.Parse(JsonSerializer.Serialize(state, StateJson.Default.StackState))!.AsObject();
    }

    private static JsonObject Resource(JsonObject state, string id) =>
        state["resources"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string?)r["id"] == id);

    /// <summary>
    /// Sets one input (a dotted path reaches into an object: <c>ready.target</c>) and recomputes the hash, as an attacker
    /// who read the code would.
    /// </summary>
    private static Action<JsonObject> Input(string id, string path, JsonNode? value) => state =>
    {
        var r = Resource(state, id);
        var keys = path.Split('.');
        var parent = r["inputs"]!.AsObject();
        foreach (var key in keys[..^1])
            parent = parent[key]!.AsObject();
        parent[keys[^1]] = value;
        Rehash(r);
    };

    private static void Rehash(JsonObject r) =>
        r["inputHash"] = HaStack.Infra.Graph.Resource.HashOf((string)r["type"]!, (string)r["name"]!, r["inputs"]!.AsObject());

    private static JsonArray List(params string[] items) => new([.. items.Select(i => (JsonNode)JsonValue.Create(i))]);

    /// <summary>Adds a resource with its id, name and hash as HaStack computes them: only the catalogue check can stop it.</summary>
    private static Action<JsonObject> AddResource(string type, string host, string name, JsonObject inputs) => state =>
    {
        state["resources"]!.AsArray().Add(new JsonObject
        {
            ["id"] = $"{type}::{name}", ["type"] = type, ["name"] = name, ["host"] = host,
            ["inputHash"] = HaStack.Infra.Graph.Resource.HashOf(type, name, inputs),
            ["dependsOn"] = new JsonArray(), ["inputs"] = inputs, ["outputs"] = new JsonObject(),
        });
    };

    private static JsonObject FileInputs(string path, string group = "root") => new()
    {
        ["path"] = path, ["mode"] = "0644", ["owner"] = "root", ["group"] = group, ["content"] = "x", ["checkAsAgentConfig"] = false,
    };

    private static JsonObject ServiceInputs(string unit, params string[] data) => new()
    {
        ["unit"] = unit, ["ready"] = new JsonObject { ["kind"] = "Active", ["seconds"] = 30 }, ["data"] = List(data), ["reads"] = new JsonObject(),
    };

    private static JsonObject Read(string sha256) => new() { ["effect"] = "reload", ["sha256"] = sha256 };

    private static JsonArray Cluster(params (string Name, string Peer, string Client)[] members) =>
        new([.. members.Select(m => (JsonNode)new JsonObject { ["name"] = m.Name, ["peerUrl"] = m.Peer, ["clientUrl"] = m.Client })]);

    private static JsonArray Target(string address) =>
        new(new JsonObject { ["host"] = "node1", ["address"] = address, ["port"] = 8008, ["tls"] = false });

    private const string HaproxyCfg = "hastack:host:File::node1:/etc/haproxy/haproxy.cfg";
    private const string Haproxy = "hastack:host:Service::node1:haproxy";
    private const string Patroni = "hastack:host:Service::node1:patroni";
    private const string Etcd = "hastack:host:Service::node1:etcd";
    private const string Packages = "hastack:host:Packages::node1";
    private const string Agent = "hastack:host:AgentBinary::node1";
    private const string Sql = "hastack:cluster:SqlSetup::roles-and-databases";
    private const string Password = "hastack:cluster:Password::replication";

    public static TheoryData<string, string, string> TextCases() => new()
    {
        { "truncated", "{\"version\": 1, \"project\": \"hastack\", \"resou", "is not a HaStack state file" },
        { "null", "null", "holds no JSON object" },
        { "an array", "[]", "holds no JSON object" },
        { "empty object", "{}", "has no encryptionSalt" },
        { "empty file", "", "is not a HaStack state file" },
        { "not JSON", "version: 1\n", "is not a HaStack state file" },
        { "resources of the wrong type", "{\"version\":1,\"project\":\"hastack\",\"stack\":\"s\",\"resources\":{}}", "is not a HaStack state file" },
        { "resources null", "{\"version\":1,\"project\":\"hastack\",\"stack\":\"s\",\"resources\":null}", "has no encryptionSalt" },
        { "a resource null", "{\"version\":1,\"project\":\"hastack\",\"stack\":\"s\",\"resources\":[null]}", "has no encryptionSalt" },
        { "a key given twice", "{\"version\":2,\"version\":1,\"project\":\"hastack\",\"stack\":\"s\"}", "is not a HaStack state file" },
        { "version as a string", "{\"version\":\"1\",\"project\":\"hastack\",\"stack\":\"s\"}", "is not a HaStack state file" },
        { "nesting past the JSON reader's limit", new string('[', 100_000), "is not a HaStack state file" },
    };

    public static TheoryData<string, string> MutationNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, mutation) in Mutations)
            data.Add(name, mutation.Expect);
        return data;
    }

    private static readonly Dictionary<string, (Action<JsonObject> Change, string Expect)> Mutations = new()
    {
        ["version 3"] = (s => s["version"] = 3, "version 3"),
        ["another project"] = (s => s["project"] = "other", "not of hastack/s"),
        ["another stack"] = (s => s["stack"] = "prod", "not of hastack/s"),
        ["a salt that is not v1"] = (s => s["encryptionSalt"] = "v2:xx", "encryptionSalt"),
        ["an unknown resource type"] = (s => Resource(s, HaproxyCfg)["type"] = "hastack:host:Shell", "is not a HaStack resource type"),
        ["an id that is not type::name"] = (s => Resource(s, HaproxyCfg)["id"] = "x", "is not its type and name"),
        ["a duplicate id"] = (s => s["resources"]!.AsArray().Add(Resource(s, HaproxyCfg).DeepClone()), "appears twice"),
        ["a secret version that is a plain hash"] = (s => Resource(s, Sql)["secretVersions"] = new JsonObject { ["replication"] = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8" }, "secretVersions holds a malformed entry"),
        ["a secret version under a name that is no secret's"] = (s => Resource(s, Sql)["secretVersions"] = new JsonObject { ["$(reboot)"] = "v1:" + new string('a', 32) }, "secretVersions holds a malformed entry"),
        ["a host with a command"] = (s => Resource(s, HaproxyCfg)["host"] = "node1; touch /tmp/x", "is not a host name"),
        ["a cluster resource with a host"] = (s => Resource(s, Sql)["host"] = "node1", "is not a host name where its type needs one"),
        ["a host resource without a host"] = (s => Resource(s, HaproxyCfg).Remove("host"), "is not a host name where its type needs one"),
        ["a host deployed on a release HaStack does not know"] = (s => s["hosts"]!["node1"]!["release"] = 11, "release 11 is not a Debian release"),
        ["a host release that is a text"] = (s => s["hosts"]!["node1"]!["release"] = "13; reboot", "is not a HaStack state file"),
        ["a resource of a host without a connection record"] = (s => s["hosts"]!.AsObject().Remove("node1"), "has no connection record"),
        ["inputs changed without the hash"] = (s => Resource(s, HaproxyCfg)["inputs"]!["mode"] = "0777", "inputHash does not match"),
        ["a path with a command"] = (Input(HaproxyCfg, "path", "/etc/x; touch /tmp/x; echo"), "input 'path'"),
        ["a relative path"] = (Input(HaproxyCfg, "path", "etc/haproxy/haproxy.cfg"), "input 'path'"),
        ["a path with .."] = (Input(HaproxyCfg, "path", "/etc/../root/.ssh/authorized_keys"), "input 'path'"),
        ["a path with a newline"] = (Input(HaproxyCfg, "path", "/etc/haproxy/haproxy.cfg\n"), "input 'path'"),
        ["a path that names another file than the id"] = (Input(HaproxyCfg, "path", "/etc/shadow"), "is not its host and path"),
        ["a mode with a command"] = (Input(HaproxyCfg, "mode", "0644; reboot"), "input 'mode'"),
        ["a mode of four digits"] = (Input(HaproxyCfg, "mode", "4755"), "input 'mode'"),
        ["an owner with a command"] = (Input(HaproxyCfg, "owner", "root;reboot"), "input 'owner'"),
        ["a group with a space"] = (Input(HaproxyCfg, "group", "root x"), "input 'group'"),
        ["a check switched by text"] = (Input(HaproxyCfg, "checkAsAgentConfig", "run-this"), "input 'checkAsAgentConfig'"),
        ["an unknown file input"] = (Input(HaproxyCfg, "exec", "reboot"), "is not an input of this resource type"),
        ["a missing content"] = (s => { Resource(s, HaproxyCfg)["inputs"]!.AsObject().Remove("content"); Input(HaproxyCfg, "mode", "0644")(s); }, "input 'content'"),
        ["a unit with a command"] = (Input(Haproxy, "unit", "haproxy; rm -rf /"), "input 'unit'"),
        ["a unit that is an option"] = (Input(Haproxy, "unit", "-H"), "input 'unit'"),
        ["a service input of version 1"] = (Input(Haproxy, "enabled", "false"), "input 'enabled': is not an input of this resource type"),
        ["a data directory of /"] = (Input(Patroni, "data", List("/")), "input 'data'"),
        ["a data directory of /etc"] = (Input(Patroni, "data", List("/etc")), "input 'data'"),
        ["a data directory of /var/lib/postgresql"] = (Input(Patroni, "data", List("/var/lib/postgresql")), "input 'data'"),
        ["a data directory climbing out"] = (Input(Patroni, "data", List("/var/lib/postgresql/../../../etc")), "input 'data'"),
        ["a probe with a command"] = (Input(Haproxy, "ready.target", "5000;reboot"), "input 'ready.target'"),
        ["a probe URL with a command"] = (Input(Patroni, "ready.target", "http://10.77.0.11:8008/health';reboot;'"), "input 'ready.target'"),
        ["a probe of an unknown kind"] = (Input(Haproxy, "ready.kind", "Exec"), "input 'ready.kind'"),
        ["a probe as a number"] = (Input(Haproxy, "ready.kind", "1"), "input 'ready.kind'"),
        ["a probe waiting a day"] = (Input(Haproxy, "ready.seconds", 86400), "input 'ready.seconds'"),
        ["a probe in version 1's text"] = (Input(Haproxy, "ready", "TcpListen 30 5000"), "input 'ready': is not an object"),
        ["a read path with a command"] = (s => { Resource(s, Haproxy)["inputs"]!["reads"]!["/etc/x;reboot"] = Read(new string('a', 64)); Rehash(Resource(s, Haproxy)); }, "does not name an absolute path"),
        ["a read hash that is not hex"] = (s => { Resource(s, Haproxy)["inputs"]!["reads"]!["/etc/haproxy/haproxy.cfg"] = Read("zz"); Rehash(Resource(s, Haproxy)); }, "input 'reads[/etc/haproxy/haproxy.cfg].sha256': 'zz' is not a SHA-256"),
        ["an etcd member name with a command"] = (Input(Etcd, "etcd.member", "node1;reboot"), "input 'etcd.member'"),
        ["an etcd member not in its cluster"] = (Input(Etcd, "etcd.member", "node9"), "input 'etcd.cluster'"),
        ["an etcd peer URL with a command"] = (Input(Etcd, "etcd.cluster", Cluster(("node1", "http://10.77.0.11:2380';reboot;'", "http://10.77.0.11:2379"))), "input 'etcd.cluster'"),
        ["an etcd peer URL with a path"] = (Input(Etcd, "etcd.cluster", Cluster(("node1", "http://10.77.0.11:2380/x", "http://10.77.0.11:2379"))), "input 'etcd.cluster'"),
        ["an etcd member with a peer URL in one scheme and a client URL in the other"] = (Input(Etcd, "etcd.cluster", Cluster(("node1", "https://10.77.0.11:2380", "http://10.77.0.11:2379"))), "input 'etcd.cluster'"),
        ["an etcd URL with another scheme"] = (Input(Etcd, "etcd.cluster", Cluster(("node1", "ftp://10.77.0.11:2380", "ftp://10.77.0.11:2379"))), "input 'etcd.cluster'"),
        ["an etcd member twice"] = (Input(Etcd, "etcd.cluster", Cluster(("node1", "http://10.77.0.11:2380", "http://10.77.0.11:2379"), ("node1", "http://10.77.0.12:2380", "http://10.77.0.12:2379"))), "input 'etcd.cluster'"),
        ["an etcd cluster without its member name"] = (s => { Resource(s, Etcd)["inputs"]!["etcd"]!.AsObject().Remove("member"); Rehash(Resource(s, Etcd)); }, "input 'etcd.member'"),
        ["a package with a command"] = (Input(Packages, "packages", List("haproxy", "haproxy;reboot")), "input 'packages'"),
        ["a package that is an option"] = (Input(Packages, "packages", List("haproxy", "-o=Dpkg::Pre-Invoke=x")), "input 'packages'"),
        ["an agent hash that is not hex"] = (Input(Agent, "sha256", "$(reboot)"), "input 'sha256'"),
        ["an agent path with a space"] = (Input(Agent, "path", "/usr/local/sbin/x y"), "input 'path'"),
        ["an SQL target with an octal address"] = (Input(Sql, "targets", Target("10.77.0.011")), "input 'targets.address'"),
        ["an SQL target with a command"] = (Input(Sql, "targets", Target("10.77.0.11;reboot")), "input 'targets.address'"),
        ["a password of 5 characters"] = (Input(Password, "length", 5), "input 'length'"),
        ["a password length of text"] = (Input(Password, "length", "thirty"), "input 'length'"),
        ["a secret that is not sealed"] = (s => s["secrets"]!["replication"] = "hunter2", "secrets.replication"),
        ["a secret with a bad name"] = (s => s["secrets"]!["../x"] = "v1:AAAA:AAAA", "secrets.../x"),
        ["a secret output not sealed"] = (s => s["outputs"]!["postgresPassword"] = new JsonObject { ["value"] = "hunter2", ["secret"] = true }, "outputs.postgresPassword"),
        ["a host record with a command"] = (s => s["hosts"]!["node1"]!["address"] = "10.77.0.11; reboot", "hosts.node1"),
        ["a host record with an octal address"] = (s => s["hosts"]!["node1"]!["address"] = "10.77.0.011", "hosts.node1"),
        ["a host record with a bad key"] = (s => s["hosts"]!["node1"]!["hostKey"] = "ssh-ed25519 AAAA\nx", "hosts.node1"),
        ["a host record named badly"] = (s => s["hosts"]!["Node 9"] = new JsonObject { ["address"] = "10.77.0.19", ["sshPort"] = 0 }, "hosts.Node 9"),
        ["a host port out of range"] = (s => s["hosts"]!["node1"]!["sshPort"] = 70000, "hosts.node1"),
        ["dependsOn null"] = (s => Resource(s, HaproxyCfg)["dependsOn"] = null, "malformed dependsOn"),
        ["inputs null"] = (s => Resource(s, HaproxyCfg)["inputs"] = null, "malformed dependsOn, inputs or outputs"),
        ["an input as a number"] = (Input(HaproxyCfg, "mode", 644), "input 'mode': '644' is not a string"),
        ["an input as an object"] = (Input(HaproxyCfg, "content", new JsonObject { ["x"] = 1 }), "input 'content'"),
        ["a name with a newline"] = (s => { var r = Resource(s, HaproxyCfg); r["name"] = "node1:/etc/x\n"; r["id"] = "hastack:host:File::node1:/etc/x\n"; }, "is not its type and name"),
        ["a packages resource of another host"] = (s => Resource(s, Packages)["host"] = "node2", "does not belong to host"),
        // what a tampered state could make a delete touch, each hash recomputed and the state sealed: refused by the catalogue
        ["a file HaStack never writes (/etc/shadow)"] = (AddResource(ResourceTypes.File, "node1", "node1:/etc/shadow", FileInputs("/etc/shadow", "shadow")),
            "'/etc/shadow' is not a file any HaStack component writes"),
        ["sshd's config"] = (AddResource(ResourceTypes.File, "node1", "node1:/etc/ssh/sshd_config", FileInputs("/etc/ssh/sshd_config")),
            "is not a file any HaStack component writes"),
        ["a file on a host that exists only in state"] = (s => { s["hosts"]!["node9"] = new JsonObject { ["address"] = "10.77.0.99", ["sshPort"] = 22 };
            AddResource(ResourceTypes.File, "node9", "node9:/etc/passwd", FileInputs("/etc/passwd"))(s); },
            "is not a file any HaStack component writes"),
        ["the ssh service"] = (AddResource(ResourceTypes.Service, "node1", "node1:ssh", ServiceInputs("ssh")),
            "unit 'ssh' is not a service any HaStack component runs"),
        ["a stock PostgreSQL service over a whole version's data"] = (AddResource(ResourceTypes.Service, "node1", "node1:postgresql", ServiceInputs("postgresql", "/var/lib/postgresql/15")),
            "unit 'postgresql' is not a service"),
        ["Patroni over a whole version's data"] = (Input(Patroni, "data", List("/var/lib/postgresql/15")), "data directory '/var/lib/postgresql/15' is not one the patroni service keeps"),
        ["Patroni over etcd's data"] = (Input(Patroni, "data", List("/var/lib/etcd/hastack")), "is not one the patroni service keeps"),
        ["HAProxy with a data directory"] = (Input(Haproxy, "data", List("/var/lib/postgresql/15/main")), "is not one the haproxy service keeps"),
        ["the agent binary elsewhere"] = (Input(Agent, "path", "/usr/bin/sudo"), "is not where HaStack puts the agent"),
        ["more resources than the largest stack has"] = (s => { var list = s["resources"]!.AsArray(); while (list.Count <= StateValidator.MaxResources) list.Add(null); }, "resources; the largest stack HaStack deploys"),
        ["a verification switched by text"] = (Input("hastack:cluster:Verification::vip-failover", "enabled", "yes"), "input 'enabled'"),
    };

    /// <summary>Writes the state as it is, or sealed with the stack's key (as whoever holds the passphrase could).</summary>
    private string Write(JsonObject state, bool seal = true)
    {
        if (seal)
            StateStore.Seal(state, Stack.Key);
        return Write(state.ToJsonString());
    }

    private string Write(string text)
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        Directory.CreateDirectory(Path.GetDirectoryName(store.StatePath)!);
        File.WriteAllText(store.StatePath, text);
        return store.StatePath;
    }

    [Fact]
    public void The_untouched_state_loads()
    {
        Write(ValidState());
        var state = Load();
        Assert.All(state.Resources, r => Assert.NotNull(r.Spec));
    }

    [Theory]
    [MemberData(nameof(TextCases))]
    public void A_damaged_state_file_is_one_error_naming_the_file(string what, string text, string expect)
    {
        var path = Write(text);
        var e = Assert.Throws<StateFileException>(Load);
        Assert.True(e.Message.Contains(expect, StringComparison.Ordinal), $"{what}: {e.Message}");
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MutationNames))]
    public void A_tampered_state_value_is_refused_before_anything_uses_it(string what, string expect)
    {
        var state = ValidState();
        Mutations[what].Change(state);
        Write(state);
        var e = Assert.Throws<StateFileException>(Load);
        Assert.True(e.Message.Contains(expect, StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Fact]
    public void A_state_path_that_is_a_directory_is_one_error()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        Directory.CreateDirectory(store.StatePath);
        Assert.Contains("is a directory", Assert.Throws<StateFileException>(() => store.Load("pw")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_changed_by_someone_without_the_passphrase_is_refused_whatever_hash_they_recompute()
    {
        var state = ValidState();
        StateStore.Seal(state, Stack.Key);
        Input(HaproxyCfg, "mode", "0777")(state);
        Write(state, seal: false);
        var e = Assert.Throws<StateFileException>(Load);
        Assert.Contains("authentication code does not match", e.Message, StringComparison.Ordinal);
        Assert.False(e.Unauthenticated);
    }

    [Fact]
    public void A_state_sealed_under_another_passphrase_is_refused()
    {
        var state = ValidState();
        StateStore.Seal(state, PassphraseCrypter.Create("another").Crypter);
        Write(state, seal: false);
        Assert.Contains("authentication code does not match", Assert.Throws<StateFileException>(Load).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_of_an_earlier_release_is_refused_until_the_operator_adopts_it_and_then_loads_sealed()
    {
        Write(ValidState(), seal: false);
        var e = Assert.Throws<StateFileException>(Load);
        Assert.True(e.Unauthenticated);
        Assert.Contains("hastack adopt-state --stack s", e.Message, StringComparison.Ordinal);
        var store = new StateStore(dir.FullName, "hastack", "s");
        var adopted = store.Load(_ => Stack.Key, adoptUnauthenticated: true);
        store.Save(adopted);
        Assert.NotEmpty(Load().Resources);
    }

    [Fact]
    public void A_connection_record_no_resource_uses_is_not_kept()
    {
        var state = ValidState();
        state["hosts"]!["node9"] = new JsonObject { ["address"] = "10.77.0.99", ["sshPort"] = 22 };
        Write(state);
        Assert.DoesNotContain("node9", Load().Hosts.Keys);
    }
}
