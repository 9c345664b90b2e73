using HaStack.Infra.Config;

namespace HaStack.Infra.Tests;

/// <summary>One case per validation rule: a stack that breaks exactly that rule, the key it must name, and its severity.</summary>
public class ValidationRuleTests
{
    private static string WithHosts(string hosts, string extra = "") => $"""
        config:
          hastack:hosts:
        {hosts}
          hastack:vip:
            address: 10.77.0.100/24
        {extra}
        """;

    private const string ThreeHosts = """
            - { name: node1, address: 10.77.0.11 }
            - { name: node2, address: 10.77.0.12 }
            - { name: node3, address: 10.77.0.13 }
        """;

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        // binding: shapes and words
        { "required-key", "hastack:hosts", "Error", "config:\n  hastack:vip:\n    address: 10.77.0.100/24" },
        { "required-key", "hastack:vip.address", "Error", WithHosts(ThreeHosts).Replace("    address: 10.77.0.100/24", "    interface: eth0", StringComparison.Ordinal) },
        { "unknown-key", "hastack:vip.priorty", "Error", TestStacks.MinimalWith("hastack:patroni: { ttl: 30 }").Replace("address: 10.77.0.100/24", "address: 10.77.0.100/24\n    priorty: 100", StringComparison.Ordinal) },
        { "unknown-key", "hastack:patorni", "Error", TestStacks.MinimalWith("hastack:patorni: { ttl: 30 }") },
        { "wrong-type", "hastack:patroni.ttl", "Error", TestStacks.MinimalWith("hastack:patroni: { ttl: thirty }") },
        { "wrong-type", "hastack:etcd.clientPort", "Error", TestStacks.MinimalWith("hastack:etcd: { clientPort: 4294969675 }") },
        { "wrong-type", "hastack:vip", "Error", WithHosts(ThreeHosts).Replace("  hastack:vip:\n    address: 10.77.0.100/24", "  hastack:vip: 10.77.0.100", StringComparison.Ordinal) },
        { "bad-choice", "hastack:vip.floatsOver", "Error", TestStacks.MinimalWith("hastack:verify: {}").Replace("address: 10.77.0.100/24", "address: 10.77.0.100/24\n    floatsOver: keepalived", StringComparison.Ordinal) },
        { "unknown-role", "hastack:hosts[0].roles", "Error", WithHosts(ThreeHosts.Replace("address: 10.77.0.11 }", "address: 10.77.0.11, roles: [etcd, database] }", StringComparison.Ordinal)) },
        { "secret-in-plaintext", "hastack:postgres.users[0].password", "Error", TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - { name: app, password: hunter2 }") },
        { "secret-not-expected", "hastack:vip.interface", "Error", TestStacks.MinimalWith("hastack:haproxy: {}").Replace("address: 10.77.0.100/24", "address: 10.77.0.100/24\n    interface:\n      secure: v1:AAAA:BBBB", StringComparison.Ordinal) },
        { "missing-passphrase", "hastack:postgres.users[0].password", "Error", "encryptionsalt: v1:ABEiM0RVZnc=:v1:oKGio6Slpqeoqaqr:bBwVH5d5pmYI5qkIfml3/MS8DKOg9g==\n" + TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: v1:sLGys7S1tre4ubq7:kLUWL/YgqKQjTl92YMrxLEvi6Dtn94KCfTv4") },
        { "no-encryption-salt", "hastack:postgres.users[0].password", "Error", TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: v1:sLGys7S1tre4ubq7:kLUWL/YgqKQjTl92YMrxLEvi6Dtn94KCfTv4") },
        { "yaml-syntax", "Pulumi.test.yaml", "Error", "config:\n  hastack:hosts: [\n" },
        { "foreign-namespace", "aws:region", "Warning", TestStacks.MinimalWith("aws:region: eu-west-1") },
        { "stack-top-level-key", "hosts", "Warning", "hosts: []\n" + TestStacks.Minimal },
        // hosts
        { "host-name", "hastack:hosts[0].name", "Error", WithHosts(ThreeHosts.Replace("name: node1", "name: Node_1", StringComparison.Ordinal)) },
        { "duplicate-host-name", "hastack:hosts[1].name", "Error", WithHosts(ThreeHosts.Replace("name: node2", "name: node1", StringComparison.Ordinal)) },
        { "host-address", "hastack:hosts[2].address", "Error", WithHosts(ThreeHosts.Replace("10.77.0.13", "10.77.0.300", StringComparison.Ordinal)) },
        { "duplicate-host-address", "hastack:hosts[2].address", "Error", WithHosts(ThreeHosts.Replace("10.77.0.13", "10.77.0.11", StringComparison.Ordinal)) },
        { "host-no-roles", "hastack:hosts[2].roles", "Error", WithHosts(ThreeHosts.Replace("address: 10.77.0.13 }", "address: 10.77.0.13, roles: [] }", StringComparison.Ordinal)) },
        { "host-key-format", "hastack:hosts[0].hostKey", "Error", WithHosts(ThreeHosts.Replace("address: 10.77.0.11 }", "address: 10.77.0.11, hostKey: 'ssh-ed25519' }", StringComparison.Ordinal)) },
        { "port-range", "hastack:hosts[0].sshPort", "Error", WithHosts(ThreeHosts.Replace("address: 10.77.0.11 }", "address: 10.77.0.11, sshPort: 70000 }", StringComparison.Ordinal)) },
        // roles and the single points of failure
        { "db-hosts-too-few", "hastack:hosts", "Error", WithHosts("    - { name: a, address: 10.77.0.11 }\n    - { name: b, address: 10.77.0.12, roles: [etcd, proxy] }\n    - { name: c, address: 10.77.0.13, roles: [etcd, proxy] }") },
        { "vip-layer-too-few", "hastack:vip.floatsOver", "Error", WithHosts("    - { name: a, address: 10.77.0.11 }\n    - { name: b, address: 10.77.0.12, roles: [etcd, db] }\n    - { name: c, address: 10.77.0.13, roles: [etcd, db] }") },
        { "etcd-none", "hastack:hosts", "Error", WithHosts("    - { name: a, address: 10.77.0.11, roles: [db, proxy] }\n    - { name: b, address: 10.77.0.12, roles: [db, proxy] }") },
        { "etcd-quorum", "hastack:hosts", "Warning", WithHosts("    - { name: a, address: 10.77.0.11 }\n    - { name: b, address: 10.77.0.12 }") },
        { "etcd-even", "hastack:hosts", "Warning", WithHosts(ThreeHosts + "\n    - { name: node4, address: 10.77.0.14, roles: [etcd] }") },
        // the virtual IP
        { "vip-address", "hastack:vip.address", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0/24", StringComparison.Ordinal) },
        { "vip-prefix", "hastack:vip.address", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100", StringComparison.Ordinal) },
        { "vip-is-host-address", "hastack:vip.address", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.12/24", StringComparison.Ordinal) },
        { "vip-network-address", "hastack:vip.address", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.255/24", StringComparison.Ordinal) },
        { "vip-outside-subnet", "hastack:vip.address", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.1.100/24", StringComparison.Ordinal) },
        { "router-id-range", "hastack:vip.routerId", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    routerId: 256", StringComparison.Ordinal) },
        { "vrrp-version", "hastack:vip.vrrpVersion", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    vrrpVersion: 4", StringComparison.Ordinal) },
        { "advert-interval-range", "hastack:vip.advertInterval", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    vrrpVersion: 2\n    advertInterval: 0.5", StringComparison.Ordinal) },
        { "advert-interval-range", "hastack:vip.advertInterval", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    advertInterval: 41", StringComparison.Ordinal) },
        { "vip-pgbouncer-layer", "hastack:vip.floatsOver", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    floatsOver: pgbouncer", StringComparison.Ordinal) },
        { "vip-database-pooler-proxy", "hastack:pgbouncer.placement", "Error", TestStacks.MinimalWith("hastack:pgbouncer: { placement: proxy }").Replace("10.77.0.100/24", "10.77.0.100/24\n    floatsOver: database", StringComparison.Ordinal) },
        { "bad-choice", "hastack:pgbouncer.placement", "Error", TestStacks.MinimalWith("hastack:pgbouncer: { placement: proxies }") },
        { "patroni-primary-start-timeout", "hastack:patroni.primaryStartTimeout", "Error", TestStacks.MinimalWith("hastack:patroni: { primaryStartTimeout: -1 }") },
        { "interface-name", "hastack:vip.interface", "Error", TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.0.100/24\n    interface: a-very-long-interface-name", StringComparison.Ordinal) },
        // ports
        { "port-clash", "hastack:pgbouncer.port", "Error", TestStacks.MinimalWith("hastack:pgbouncer: { port: 5432 }") },
        { "port-range", "hastack:haproxy.statsPort", "Error", TestStacks.MinimalWith("hastack:haproxy: { statsPort: 0 }") },
        // PostgreSQL
        { "postgres-version", "hastack:postgres.version", "Error", TestStacks.MinimalWith("hastack:postgres: { version: 9 }") },
        { "postgres-managed-parameter", "hastack:postgres.parameters.listen_addresses", "Error", TestStacks.MinimalWith("hastack:postgres:\n  parameters:\n    listen_addresses: '*'") },
        { "synchronous-strict-two-hosts", "hastack:postgres.synchronousMode", "Warning", WithHosts("    - { name: a, address: 10.77.0.11 }\n    - { name: b, address: 10.77.0.12 }\n    - { name: c, address: 10.77.0.13, roles: [etcd] }", "  hastack:postgres: { synchronousMode: strict }") },
        { "role-name", "hastack:postgres.users[0].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: App-User") },
        { "role-reserved", "hastack:postgres.users[0].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: replicator") },
        { "duplicate-role", "hastack:postgres.users[1].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: app\n    - name: app") },
        { "database-name", "hastack:postgres.databases[0].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  databases:\n    - name: 1db") },
        { "database-reserved", "hastack:postgres.databases[0].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  databases:\n    - name: template1") },
        { "duplicate-database", "hastack:postgres.databases[1].name", "Error", TestStacks.MinimalWith("hastack:postgres:\n  databases:\n    - name: shop\n    - name: shop") },
        { "database-owner-unknown", "hastack:postgres.databases[0].owner", "Error", TestStacks.MinimalWith("hastack:postgres:\n  databases:\n    - { name: shop, owner: nobody }") },
        // Patroni
        { "patroni-timing", "hastack:patroni.ttl", "Error", TestStacks.MinimalWith("hastack:patroni: { ttl: 20, loopWait: 10, retryTimeout: 10 }") },
        { "patroni-ttl-min", "hastack:patroni.ttl", "Error", TestStacks.MinimalWith("hastack:patroni: { ttl: 15, loopWait: 1, retryTimeout: 1 }") },
        { "patroni-timer-min", "hastack:patroni.loopWait", "Error", TestStacks.MinimalWith("hastack:patroni: { loopWait: 0 }") },
        { "patroni-maximum-lag", "hastack:patroni.maximumLagOnFailover", "Error", TestStacks.MinimalWith("hastack:patroni: { maximumLagOnFailover: -1 }") },
        { "patroni-scope", "hastack:patroni.scope", "Error", TestStacks.MinimalWith("hastack:patroni: { scope: 'my cluster' }") },
        // PgBouncer
        { "pool-mode", "hastack:pgbouncer.poolMode", "Error", TestStacks.MinimalWith("hastack:pgbouncer: { poolMode: pooled }") },
        { "pool-size", "hastack:pgbouncer.maxClientConn", "Error", TestStacks.MinimalWith("hastack:pgbouncer: { defaultPoolSize: 50, maxClientConn: 10 }") },
        // SSH and verification
        { "ssh-key-missing", "hastack:ssh.privateKeyFile", "Error", TestStacks.Minimal.Replace("privateKeyFile: /keys/id_ed25519", "privateKeyFile: ''", StringComparison.Ordinal) },
        { "host-key-unpinned", "hastack:ssh.knownHostsFile", "Error", TestStacks.Minimal.Replace("privateKeyFile: /keys/id_ed25519", "privateKeyFile: /keys/id_ed25519\n    knownHostsFile: ''", StringComparison.Ordinal) },
        { "ssh-timeout", "hastack:ssh.connectTimeoutSeconds", "Error", TestStacks.Minimal.Replace("privateKeyFile: /keys/id_ed25519", "privateKeyFile: /keys/id_ed25519\n    connectTimeoutSeconds: 0", StringComparison.Ordinal) },
        { "verify-timeout", "hastack:verify.vipMoveTimeoutSeconds", "Error", TestStacks.MinimalWith("hastack:verify: { vipMoveTimeoutSeconds: 0 }") },
        // TLS
        { "tls-validity", "hastack:tls.certificateDays", "Error", TestStacks.MinimalWith("hastack:tls: { certificateDays: 0 }") },
        { "tls-renewal", "hastack:tls.renewDaysBefore", "Error", TestStacks.MinimalWith("hastack:tls: { certificateDays: 30, renewDaysBefore: 30 }") },
        { "tls-ca-pair", "hastack:tls.caKey", "Error", TestStacks.MinimalWith("hastack:tls: { caCertificate: 'x' }") },
        { "tls-disabled", "hastack:tls.enabled", "Warning", TestStacks.MinimalWith("hastack:tls: { enabled: false }") },
        { "wrong-type", "hastack:tls.enabled", "Error", TestStacks.MinimalWith("hastack:tls: { enabled: maybe }") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_names_its_key_and_a_fix(string rule, string key, string severityName, string stackText)
    {
        // the severity by name: the test method is public, the type internal
        var severity = Enum.Parse<Severity>(severityName);
        var result = TestStacks.Load(stackText);
        var found = result.Diagnostics.Where(d => d.Rule == rule).ToList();
        Assert.True(found.Count > 0, $"no {rule} in:\n{string.Join("\n", result.Diagnostics)}");
        var hit = found.FirstOrDefault(d => d.Key == key);
        Assert.True(hit is not null, $"{rule} named {string.Join(", ", found.Select(d => d.Key))}, not {key}");
        Assert.Equal(severity, hit.Severity);
        Assert.False(string.IsNullOrWhiteSpace(hit.Fix));
        // an error stops the pipeline; a warning does not
        Assert.Equal(severity == Severity.Error, result.Config is null);
    }

    [Fact]
    public void The_minimal_stack_is_valid_with_no_diagnostics()
    {
        var result = TestStacks.Load(TestStacks.Minimal);
        Assert.Empty(result.Diagnostics);
        Assert.NotNull(result.Config);
    }

    [Fact]
    public void An_invalid_file_yields_all_its_errors_in_one_run_in_file_order()
    {
        var result = TestStacks.Load("""
            config:
              hastack:hosts:
                - { name: node1, address: 10.77.0.11, roles: [etcd, db, proxy] }
                - { name: node1, address: 10.77.0.300, roles: [etcd, db] }
              hastack:vip:
                address: 10.77.1.100/24
                routerId: 0
                advertInterval: 99
              hastack:patroni: { ttl: 20, loopWait: 10, retryTimeout: 10 }
              hastack:pgbouncer: { poolMode: pooled, port: 5432 }
              hastack:postgres:
                users:
                  - { name: app, password: plain }
            """);
        var rules = result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Rule).ToHashSet();
        string[] expected = ["duplicate-host-name", "host-address", "vip-layer-too-few", "vip-outside-subnet", "router-id-range", "advert-interval-range",
            "patroni-timing", "pool-mode", "port-clash", "secret-in-plaintext"];
        Assert.All(expected, r => Assert.Contains(r, rules));
        Assert.Null(result.Config);
        var lines = result.Diagnostics.Where(d => d.Location is not null).Select(d => d.Location!.Value.Line).ToList();
        Assert.Equal(lines.Order().ToList(), lines);
    }

    [Fact]
    public void A_diagnostic_prints_file_line_key_value_and_fix()
    {
        var result = TestStacks.Load(TestStacks.Minimal.Replace("10.77.0.100/24", "10.77.1.100/24", StringComparison.Ordinal));
        var text = Assert.Single(result.Diagnostics).ToString();
        Assert.Equal("Pulumi.test.yaml:9: error: hastack:vip.address: '10.77.1.100' is not in the subnet of node1 (10.77.0.11), node2 (10.77.0.12), " +
            "node3 (10.77.0.13), which must hold it (10.77.0.0/24); VRRP and gratuitous ARP work within one segment; " +
            "fix: pick an unused address in 10.77.0.0/24 [vip-outside-subnet]", text);
    }

    [Fact]
    public void The_repository_stacks_validate()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        foreach (var stack in new[] { "lab", "prod" })
        {
            var result = StackPipeline.Load(root, stack, _ => null);
            Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        }
    }
}
