using System.Runtime.CompilerServices;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>
/// Golden files for the two reference topologies. After a deliberate template change, run the tests with
/// HASTACK_UPDATE_GOLDEN=1 and review the diff of tests/HaStack.Infra.Tests/Golden like any other change.
/// </summary>
public class RenderingTests
{
    private static string GoldenSource([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    public static TheoryData<string> Stacks() => new(["three", "five"]);

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Rendered_files_match_the_golden_files(string stack)
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile(stack).Config!);
        var goldenDir = Path.Combine(Environment.GetEnvironmentVariable("HASTACK_UPDATE_GOLDEN") == "1" ? GoldenSource() : Path.Combine(AppContext.BaseDirectory, "Golden"), stack);
        if (Environment.GetEnvironmentVariable("HASTACK_UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(goldenDir))
                Directory.Delete(goldenDir, recursive: true);
            foreach (var file in plan.Files)
            {
                var target = Path.Combine(goldenDir, file.Host ?? "cluster", file.Path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, file.Content);
            }
        }
        var expected = Directory.GetFiles(goldenDir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(goldenDir, p)).Order().ToList();
        var actual = plan.Files.Select(f => Path.Combine(f.Host ?? "cluster", f.Path.TrimStart('/'))).Order().ToList();
        Assert.Equal(expected, actual);
        foreach (var file in plan.Files)
            Assert.Equal(File.ReadAllText(Path.Combine(goldenDir, file.Host ?? "cluster", file.Path.TrimStart('/'))), file.Content);
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var config = TestStacks.LoadFile("three").Config!;
        var first = StackPipeline.Plan(config).Files.Select(f => f.Content).ToList();
        var second = StackPipeline.Plan(TestStacks.LoadFile("three").Config!).Files.Select(f => f.Content).ToList();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Each_host_gets_the_files_of_its_roles_only()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        string[] PathsOf(string host) => plan.Files.Where(f => f.Host == host).Select(f => f.Path).Order().ToArray();
        Assert.Equal(["/etc/default/etcd", "/etc/hastack/tls/ca.crt", "/etc/hastack/tls/etcd.key", "/etc/hastack/tls/host.crt", "/etc/hastack/tls/host.key",
            "/etc/hastack/tls/pgbouncer.key", "/etc/hastack/tls/postgres.key", "/etc/patroni/config.yml", "/etc/pgbouncer/pgbouncer.ini", "/etc/pgbouncer/userlist.txt",
            "/etc/postgresql-common/createcluster.d/50-hastack.conf",
            "/etc/systemd/system/etcd.service.d/40-hastack-join.conf", "/etc/systemd/system/etcd.service.d/50-hastack-recovery.conf",
            "/etc/systemd/system/hastack-patroni-sync-guard.service",
            "/etc/systemd/system/patroni.service.d/50-hastack-recovery.conf", "/etc/systemd/system/patroni.service.d/55-hastack-safe-leader.conf",
            "/etc/systemd/system/patroni.service.d/60-hastack-sync-guard.conf",
            "/etc/systemd/system/pgbouncer.service.d/50-hastack-recovery.conf",
            "/usr/local/lib/hastack/patroni-sync-guard", "/usr/local/lib/hastack/safe-leader/patroni", "/usr/sbin/policy-rc.d"], PathsOf("db1"));
        Assert.Equal(["/etc/haproxy/haproxy.cfg", "/etc/haproxy/hastack-end-sessions.lua", "/etc/hastack-vrrpd/check-layer", "/etc/hastack-vrrpd/keepalived.conf",
            "/etc/hastack/tls/ca.crt", "/etc/hastack/tls/host.crt", "/etc/hastack/tls/host.key",
            "/etc/systemd/system/haproxy.service.d/50-hastack-recovery.conf", "/etc/systemd/system/hastack-vrrpd.service",
            "/etc/systemd/system/keepalived.service.d/50-hastack-displaced.conf", "/usr/sbin/policy-rc.d"], PathsOf("proxy1"));
    }

    [Fact]
    public void A_keepalived_on_a_VIP_host_is_stopped_when_the_agent_starts_and_cannot_start_while_the_agent_is_configured()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        string FileOn(string host, string path) => plan.Files.Single(f => f.Host == host && f.Path == path).Content;
        var dropIn = SystemdSettings([FileOn("proxy1", "/etc/systemd/system/keepalived.service.d/50-hastack-displaced.conf")]);
        Assert.Equal($"!{Components.AgentConfigPath}", dropIn["ConditionPathExists"]);
        var agent = SystemdSettings([FileOn("proxy1", "/etc/systemd/system/hastack-vrrpd.service")]);
        Assert.Equal("-+/bin/systemctl --no-block stop keepalived.service", agent["ExecStartPre"]);
        Assert.DoesNotContain(plan.Files, f => f.Host == "db1" && f.Path.Contains("keepalived.service.d", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("haproxy", "2")]
    [InlineData("database", "1")]
    public void The_layer_check_rises_after_two_passes_except_on_the_database_layer_where_one_is_confirmed_twice(string layer, string rise)
    {
        var plan = StackPipeline.Plan(TestStacks.Valid(TestStacks.MinimalWith($"  floatsOver: {layer}")));
        var agentConfig = plan.Files.First(f => f.Path == Components.AgentConfigPath).Content;
        Assert.Equal([$"rise {rise}"], agentConfig.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("rise ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Patroni_starts_its_sync_guard_on_every_start_and_reload_and_the_guard_runs_the_script_written_beside_it()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        string FileOn(string path) => plan.Files.Single(f => f.Host == "db1" && f.Path == path).Content;
        var hook = FileOn("/etc/systemd/system/patroni.service.d/60-hastack-sync-guard.conf");
        Assert.Contains($"ExecStartPost=-+/bin/systemctl --no-block restart {Components.PatroniSyncGuardUnit}", hook);
        Assert.Contains($"ExecReload=-+/bin/systemctl --no-block restart {Components.PatroniSyncGuardUnit}", hook);
        var unit = SystemdSettings([FileOn($"/etc/systemd/system/{Components.PatroniSyncGuardUnit}")]);
        Assert.Equal($"/usr/bin/python3 {Components.PatroniSyncGuardPath} /etc/patroni/config.yml", unit["ExecStart"]);
        Assert.Equal("postgres", unit["User"]);
        Assert.StartsWith("#!/usr/bin/python3\n", FileOn(Components.PatroniSyncGuardPath));
        Assert.DoesNotContain(plan.Files, f => f.Host == "proxy1" && f.Path.Contains("sync-guard", StringComparison.Ordinal));
    }

    /// <summary>Each service's settings as systemd would see them: the packaged unit's lines, then HaStack's drop-in or unit.</summary>
    private static Dictionary<string, string> SystemdSettings(IEnumerable<string> files)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in files.SelectMany(f => f.Split('\n')).Select(l => l.Trim()).Where(l => l.Contains('=') && !l.StartsWith('#')))
            settings[line[..line.IndexOf('=')]] = line[(line.IndexOf('=') + 1)..];
        return settings;
    }

    [Theory]
    [InlineData("db1", "etcd"), InlineData("db1", "patroni"), InlineData("db1", "pgbouncer"), InlineData("proxy1", "haproxy"), InlineData("proxy1", "hastack-vrrpd")]
    public void Every_service_HaStack_runs_comes_back_by_itself_and_is_never_left_dead_by_a_start_limit(string host, string unit)
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        var unitFiles = plan.Files.Where(f => f.Host == host && (f.Path.StartsWith($"/etc/systemd/system/{unit}.service.d/", StringComparison.Ordinal)
            || f.Path == $"/etc/systemd/system/{unit}.service")).Select(f => f.Content).ToList();
        Assert.NotEmpty(unitFiles);
        var settings = SystemdSettings(unitFiles);
        Assert.Equal("always", settings["Restart"]);
        Assert.Equal("0", settings["StartLimitIntervalSec"]);
        var delay = double.Parse(settings["RestartSec"].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture);
        // PgBouncer's death must cost at most 2 s of writes: its restart delay is most of that
        Assert.InRange(delay, 0.1, unit == "pgbouncer" ? 0.5 : 2);
    }

    [Fact]
    public void The_proxies_know_every_database_host_and_the_agents_know_each_other()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        var haproxy = plan.Files.Single(f => f.Host == "proxy2" && f.Path == "/etc/haproxy/haproxy.cfg").Content;
        foreach (var db in new[] { "db1 10.77.0.11", "db2 10.77.0.12", "db3 10.77.0.13" })
            Assert.Equal(2, haproxy.Split('\n').Count(l => l.Trim() == $"server {db}:6432 check"));
        var agent = plan.Files.Single(f => f.Host == "proxy2" && f.Path == HaStack.Infra.Catalogue.Components.AgentConfigPath).Content;
        Assert.Contains("priority 249", agent, StringComparison.Ordinal);
        Assert.Contains("unicast_src_ip 10.77.0.15", agent, StringComparison.Ordinal);
        Assert.Matches(@"unicast_peer \{\s+10\.77\.0\.14\s+\}", agent);
        // the members' peers are not in a file a running member reads (a new member would restart them all): the
        // etcd service carries them, for the join before its first start
        var etcd = plan.Files.Single(f => f.Host == "db2" && f.Path == "/etc/default/etcd").Content;
        Assert.DoesNotContain("ETCD_INITIAL_CLUSTER=", etcd, StringComparison.Ordinal);
        var member = ((HaStack.Infra.Graph.ServiceInputs)plan.Graph["hastack:host:Service::db2:etcd"].Spec).Membership!;
        Assert.Equal(["db1 https://10.77.0.11:2380 https://10.77.0.11:2379", "db2 https://10.77.0.12:2380 https://10.77.0.12:2379", "db3 https://10.77.0.13:2380 https://10.77.0.13:2379"],
            member.Cluster.Select(m => $"{m.Name} {m.PeerUrl} {m.ClientUrl}"));
        Assert.Equal(["db1", "db3"], member.Others.Select(m => m.Name));
    }

    [Fact]
    public void With_TLS_etcd_asks_every_client_and_peer_for_a_certificate_and_Patroni_presents_one_of_its_own()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("three").Config!);
        string File(string path) => plan.Files.Single(f => f.Host == "node2" && f.Path == path).Content;
        var etcd = File("/etc/default/etcd");
        Assert.Contains("ETCD_LISTEN_CLIENT_URLS=\"https://10.77.0.12:2379,https://127.0.0.1:2379\"", etcd, StringComparison.Ordinal);
        Assert.Contains("ETCD_LISTEN_PEER_URLS=\"https://10.77.0.12:2380\"", etcd, StringComparison.Ordinal);
        foreach (var line in new[] { "ETCD_CLIENT_CERT_AUTH=\"true\"", "ETCD_PEER_CLIENT_CERT_AUTH=\"true\"", "ETCD_KEY_FILE=\"/etc/hastack/tls/etcd.key\"",
                     "ETCD_PEER_KEY_FILE=\"/etc/hastack/tls/etcd.key\"", "ETCD_TRUSTED_CA_FILE=\"/etc/hastack/tls/ca.crt\"", "ETCD_CERT_FILE=\"/etc/hastack/tls/host.crt\"" })
            Assert.Contains(line, etcd.Split('\n'));
        Assert.DoesNotContain("http://", etcd, StringComparison.Ordinal);
        var patroni = File("/etc/patroni/config.yml");
        Assert.Contains("  protocol: https\n  cacert: /etc/hastack/tls/ca.crt\n  cert: /etc/hastack/tls/host.crt\n  key: /etc/hastack/tls/postgres.key\n", patroni, StringComparison.Ordinal);
        // Patroni's REST API over HTTPS, which HAProxy's checks verify against the cluster's CA
        Assert.Contains("  certfile: /etc/hastack/tls/host.crt\n  keyfile: /etc/hastack/tls/postgres.key\n  cafile: /etc/hastack/tls/ca.crt\n", patroni, StringComparison.Ordinal);
        var haproxy = File("/etc/haproxy/haproxy.cfg").Split('\n');
        Assert.Equal(2, haproxy.Count(l => l.Trim() == "tcp-check connect port 8008 ssl"));
        Assert.Equal(2, haproxy.Count(l => l.Trim().StartsWith("default-server", StringComparison.Ordinal) && l.EndsWith(" ca-file /etc/hastack/tls/ca.crt verify required", StringComparison.Ordinal)));
        Assert.Equal("https://10.77.0.12:8008/health", ((HaStack.Infra.Graph.ServiceInputs)plan.Graph["hastack:host:Service::node2:patroni"].Spec).Ready.Target);
        // PostgreSQL: TLS with the host's certificate, every connection from the network encrypted (hostssl), and the
        // replicas and pg_rewind checking the primary's certificate and name
        foreach (var line in new[] { "    ssl: \"on\"", "    ssl_cert_file: /etc/hastack/tls/host.crt", "    ssl_key_file: /etc/hastack/tls/postgres.key",
                     "    - hostssl all all samenet scram-sha-256", "    - hostssl replication replicator 10.77.0.11/32 scram-sha-256", "      sslmode: verify-full" })
            Assert.Contains(line, patroni.Split('\n'));
        Assert.DoesNotContain(patroni.Split('\n'), l => l.TrimStart().StartsWith("- host ", StringComparison.Ordinal) && !l.Contains("127.0.0.1/32", StringComparison.Ordinal));
        // PgBouncer: clients over TLS only, with its own copy of the key; to PostgreSQL over its unix socket here
        var pgbouncer = File("/etc/pgbouncer/pgbouncer.ini").Split('\n');
        Assert.Contains("client_tls_sslmode = require", pgbouncer);
        Assert.Contains("client_tls_key_file = /etc/hastack/tls/pgbouncer.key", pgbouncer);
        Assert.DoesNotContain(pgbouncer, l => l.StartsWith("server_tls", StringComparison.Ordinal));
        // each service's copy of the host's key is the host's key, readable by that service's user alone
        var keys = plan.Files.Where(f => f.Host == "node2" && f.Path.EndsWith(".key", StringComparison.Ordinal)).ToDictionary(f => f.Path);
        Assert.Equal(("etcd", "0600"), (keys["/etc/hastack/tls/etcd.key"].Owner, keys["/etc/hastack/tls/etcd.key"].Mode));
        Assert.Equal(("postgres", "0600"), (keys["/etc/hastack/tls/postgres.key"].Owner, keys["/etc/hastack/tls/postgres.key"].Mode));
        Assert.Equal(("postgres", "0600"), (keys["/etc/hastack/tls/pgbouncer.key"].Owner, keys["/etc/hastack/tls/pgbouncer.key"].Mode));
        Assert.Single(keys.Values.Select(k => k.Content).Distinct());
        // the services start only once the CA and the host's certificate are on the host
        var service = plan.Graph["hastack:host:Service::node2:etcd"];
        Assert.Contains("hastack:host:File::node2:/etc/hastack/tls/host.crt", service.DependsOn);
        Assert.Contains("hastack:host:File::node2:/etc/hastack/tls/ca.crt", service.DependsOn);
    }

    [Theory]
    [InlineData(true, "https://10.77.0.11:8008/primary\", timeout=1, context=context)")]
    [InlineData(false, "http://10.77.0.11:8008/primary\", timeout=1)")]
    public void On_the_database_layer_the_agents_check_asks_Patroni_over_https_when_the_stack_has_TLS(bool tls, string asks)
    {
        var config = TestStacks.Valid(TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    floatsOver: database", StringComparison.Ordinal));
        var plan = StackPipeline.Plan(config with { Tls = config.Tls with { Enabled = tls } });
        var check = plan.Files.Single(f => f.Host == "node1" && f.Path == HaStack.Infra.Catalogue.Components.AgentCheckScriptPath).Content;
        Assert.Contains(asks, check, StringComparison.Ordinal);
        Assert.Equal(tls, check.Contains("ssl.create_default_context(cafile=\"/etc/hastack/tls/ca.crt\")", StringComparison.Ordinal));
    }

    [Fact]
    public void With_TLS_off_etcd_and_Patroni_stay_in_plaintext_and_no_key_is_copied()
    {
        var config = TestStacks.LoadFile("three").Config!;
        var plan = StackPipeline.Plan(config with { Tls = config.Tls with { Enabled = false } });
        var etcd = plan.Files.Single(f => f.Host == "node2" && f.Path == "/etc/default/etcd").Content;
        Assert.Contains("ETCD_LISTEN_CLIENT_URLS=\"http://10.77.0.12:2379,http://127.0.0.1:2379\"", etcd, StringComparison.Ordinal);
        Assert.DoesNotContain("CERT", etcd, StringComparison.Ordinal);
        Assert.DoesNotContain("protocol: https", plan.Files.Single(f => f.Host == "node2" && f.Path == "/etc/patroni/config.yml").Content, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Files, f => f.Path is "/etc/hastack/tls/etcd.key" or "/etc/hastack/tls/postgres.key" or "/etc/hastack/tls/pgbouncer.key");
        Assert.DoesNotContain("ssl", plan.Files.Single(f => f.Host == "node2" && f.Path == "/etc/haproxy/haproxy.cfg").Content, StringComparison.Ordinal);
        var patroni = plan.Files.Single(f => f.Host == "node2" && f.Path == "/etc/patroni/config.yml").Content;
        Assert.DoesNotContain("certfile", patroni, StringComparison.Ordinal);
        Assert.DoesNotContain("hostssl", patroni, StringComparison.Ordinal);
        Assert.DoesNotContain("ssl: ", patroni, StringComparison.Ordinal);
        Assert.DoesNotContain("tls", plan.Files.Single(f => f.Host == "node2" && f.Path == "/etc/pgbouncer/pgbouncer.ini").Content, StringComparison.Ordinal);
        var member = ((HaStack.Infra.Graph.ServiceInputs)plan.Graph["hastack:host:Service::node2:etcd"].Spec);
        Assert.False(member.Membership!.Tls);
        Assert.Equal(HaStack.Infra.Catalogue.ProbeKind.EtcdHealth, member.Ready.Kind);
    }

    [Fact]
    public void Secret_tokens_are_encoded_for_the_format_they_land_in()
    {
        const string nasty = "a'b\"c\\d";
        Assert.Equal("a''b\"c\\d", SecretTokens.Substitute(SecretTokens.Token("x", SecretEncoding.Sql), _ => nasty));
        Assert.Equal("a'b\\\"c\\\\d", SecretTokens.Substitute(SecretTokens.Token("x", SecretEncoding.Yaml), _ => nasty));
        Assert.Equal("a'b\"\"c\\d", SecretTokens.Substitute(SecretTokens.Token("x", SecretEncoding.Userlist), _ => nasty));
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader("p: \"" + SecretTokens.Encode("line1\nq\"\\", SecretEncoding.Yaml) + "\""));
        Assert.Equal("line1\nq\"\\", ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode).Children["p"]).Value);
    }

    [Fact]
    public void No_rendered_file_or_graph_input_holds_a_secret_value()
    {
        var (salt, crypter) = PassphraseCrypter.Create("pass");
        const string userPassword = "Sup3r-S3cret-Value";
        const string vrrpPassword = "vrrpPw1";
        var stack = $"encryptionsalt: {salt}\n" + TestStacks.Minimal.Replace("10.77.0.100/24", $"10.77.0.100/24\n    vrrpVersion: 2\n    advertInterval: 1\n    authPassword:\n      secure: {crypter.Encrypt(vrrpPassword)}", StringComparison.Ordinal)
            + $"\n  hastack:postgres:\n    users:\n      - name: app\n        password:\n          secure: {crypter.Encrypt(userPassword)}";
        var plan = StackPipeline.Plan(TestStacks.Valid(stack, "pass"));
        foreach (var resource in plan.Graph.Resources)
        {
            var texts = StringsIn(resource.Inputs).ToList();
            foreach (var value in texts)
            {
                Assert.DoesNotContain(userPassword, value, StringComparison.Ordinal);
                Assert.DoesNotContain(vrrpPassword, value, StringComparison.Ordinal);
            }
            // every secret a resource's inputs carry is marked; only what issues secrets reads one without carrying it
            // (a host certificate is signed with the CA's key)
            var tokens = texts.SelectMany(SecretTokens.NamesIn).Distinct().Order().ToList();
            if (ResourceKinds.Of(resource.Type).IssuesSecrets)
                Assert.Empty(tokens.Except(resource.SecretRefs));
            else
                Assert.Equal(tokens, resource.SecretRefs.Order().ToList());
        }
        Assert.Contains(plan.Graph.Resources, r => r.SecretRefs.Contains("user-app"));
        Assert.Contains(plan.Graph.Resources, r => r.SecretRefs.Contains("vrrp-auth"));
    }

    /// <summary>Every string in a JSON value, member names included.</summary>
    private static IEnumerable<string> StringsIn(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject map => map.SelectMany(kv => StringsIn(kv.Value).Prepend(kv.Key)),
        System.Text.Json.Nodes.JsonArray list => list.SelectMany(StringsIn),
        System.Text.Json.Nodes.JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };
}
