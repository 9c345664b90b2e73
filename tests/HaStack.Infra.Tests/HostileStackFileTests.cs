using System.Text;
using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>
/// Stack files written to break HaStack: injection through names and parameters, non-canonical addresses, control
/// characters, secret tokens, YAML bombs, sizes past any real stack. Each must end in a diagnostic naming the key
/// and the line, and none may throw.
/// </summary>
public class HostileStackFileTests
{
    private const string Marker = "# <-";

    /// <summary>The minimal stack with one line replaced; the replacement carries <see cref="Marker"/> on the line the error must name.</summary>
    private static string Replace(string line, string with) =>
        TestStacks.Minimal.Contains(line, StringComparison.Ordinal) ? TestStacks.Minimal.Replace(line, with, StringComparison.Ordinal) : throw new ArgumentException(line);

    private static string Extra(string lines) => TestStacks.MinimalWith(lines);

    private const string Host1 = "    - { name: node1, address: 10.77.0.11 }";
    private const string Vip = "    address: 10.77.0.100/24";
    private const string Key = "    privateKeyFile: /keys/id_ed25519";

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        // names: .NET's $ matches before a final newline; every name is anchored with \z and control characters are refused
        { "user name with a trailing newline", "control-character", "hastack:postgres.users[0].name", Extra("hastack:postgres:\n  users:\n    - name: \"app\\n\" # <-") },
        { "user name with a dollar", "role-name", "hastack:postgres.users[0].name", Extra("hastack:postgres:\n  users:\n    - name: app$ # <-") },
        { "user name with a quote", "role-name", "hastack:postgres.users[0].name", Extra("hastack:postgres:\n  users:\n    - name: \"a'b\" # <-") },
        { "user name with a semicolon", "role-name", "hastack:postgres.users[0].name", Extra("hastack:postgres:\n  users:\n    - name: \"a;drop role postgres\" # <-") },
        { "user name in capitals", "role-name", "hastack:postgres.users[0].name", Extra("hastack:postgres:\n  users:\n    - name: App # <-") },
        { "user name of 64 characters", "role-name", "hastack:postgres.users[0].name", Extra($"hastack:postgres:\n  users:\n    - name: {new string('a', 64)} # <-") },
        { "database name with a newline", "control-character", "hastack:postgres.databases[0].name", Extra("hastack:postgres:\n  databases:\n    - name: \"db\\n\" # <-") },
        { "database name with a quote", "database-name", "hastack:postgres.databases[0].name", Extra("hastack:postgres:\n  databases:\n    - name: \"d'b\" # <-") },
        { "database owner with a quote", "database-owner-unknown", "hastack:postgres.databases[0].owner", Extra("hastack:postgres:\n  databases:\n    - name: db\n      owner: \"x'y\" # <-") },
        { "host name with a trailing newline", "control-character", "hastack:hosts[0].name", Replace(Host1, "    - { name: \"node1\\n\", address: 10.77.0.11 } # <-") },
        { "host name ending in a dot", "host-name", "hastack:hosts[0].name", Replace(Host1, "    - { name: node1., address: 10.77.0.11 } # <-") },
        { "host name with a non-ASCII letter", "host-name", "hastack:hosts[0].name", Replace(Host1, "    - { name: nöde1, address: 10.77.0.11 } # <-") },
        { "host name of 64 characters", "host-name", "hastack:hosts[0].name", Replace(Host1, $"    - {{ name: {new string('n', 64)}, address: 10.77.0.11 }} # <-") },
        { "host name with a shell command", "host-name", "hastack:hosts[0].name", Replace(Host1, "    - { name: \"n;reboot\", address: 10.77.0.11 } # <-") },
        { "host role with a newline", "control-character", "hastack:hosts[0].roles[0]", Replace(Host1, "    - { name: node1, address: 10.77.0.11, roles: [\"etcd\\n\", db] } # <-") },
        // addresses: canonical dotted quads only
        { "address with a leading zero (octal to .NET)", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: 10.77.0.017 } # <-") },
        { "address with a zero-padded first octet", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: 010.77.0.11 } # <-") },
        { "address in hex", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: 0x0a.77.0.11 } # <-") },
        { "address with a space", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: \" 10.77.0.11\" } # <-") },
        { "address with a trailing newline", "control-character", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: \"10.77.0.11\\n\" } # <-") },
        { "address of three parts", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: 10.77.11 } # <-") },
        { "address as one number", "host-address", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: 172556299 } # <-") },
        { "VIP with a leading zero", "vip-address", "hastack:vip.address", Replace(Vip, "    address: 10.77.0.0100/24 # <-") },
        { "VIP prefix 33", "vip-prefix", "hastack:vip.address", Replace(Vip, "    address: 10.77.0.100/33 # <-") },
        { "VIP prefix negative", "vip-prefix", "hastack:vip.address", Replace(Vip, "    address: 10.77.0.100/-1 # <-") },
        { "VIP with two prefixes", "vip-prefix", "hastack:vip.address", Replace(Vip, "    address: 10.77.0.100/24/8 # <-") },
        // PostgreSQL parameters: GUC names only, compared with the managed list after folding case
        { "parameter name carrying a patroni.yml key", "control-character", "hastack:postgres.parameters.work_mem\\u000d\\u000arestapi", Extra("hastack:postgres:\n  parameters:\n    \"work_mem\\r\\nrestapi\": 1 # <-") },
        { "parameter name with a trailing space", "postgres-parameter-name", "hastack:postgres.parameters.port ", Extra("hastack:postgres:\n  parameters:\n    \"port \": 5433 # <-") },
        { "managed parameter in capitals", "postgres-managed-parameter", "hastack:postgres.parameters.PORT", Extra("hastack:postgres:\n  parameters:\n    PORT: 5433 # <-") },
        { "managed parameter in mixed case", "postgres-managed-parameter", "hastack:postgres.parameters.Listen_Addresses", Extra("hastack:postgres:\n  parameters:\n    Listen_Addresses: \"*\" # <-") },
        { "parameter name with a dash", "postgres-parameter-name", "hastack:postgres.parameters.work-mem", Extra("hastack:postgres:\n  parameters:\n    work-mem: 4MB # <-") },
        { "parameter name of three parts", "postgres-parameter-name", "hastack:postgres.parameters.a.b.c", Extra("hastack:postgres:\n  parameters:\n    a.b.c: 1 # <-") },
        { "parameter name with a colon", "postgres-parameter-name", "hastack:postgres.parameters.a:b", Extra("hastack:postgres:\n  parameters:\n    \"a:b\": 1 # <-") },
        { "parameter value with a secret token", "secret-token-in-value", "hastack:postgres.parameters.application_name", Extra("hastack:postgres:\n  parameters:\n    application_name: \"@@secret:postgres-superuser:raw@@\" # <-") },
        { "parameter value with a newline", "control-character", "hastack:postgres.parameters.work_mem", Extra("hastack:postgres:\n  parameters:\n    work_mem: \"4MB\\nrestapi: {}\" # <-") },
        { "parameter value with a line separator", "control-character", "hastack:postgres.parameters.work_mem", Extra("hastack:postgres:\n  parameters:\n    work_mem: \"4MB\\L\" # <-") },
        { "parameter value with a paragraph separator", "control-character", "hastack:postgres.parameters.work_mem", Extra("hastack:postgres:\n  parameters:\n    work_mem: \"4MB\\P\" # <-") },
        { "parameter value with NUL", "control-character", "hastack:postgres.parameters.work_mem", Extra("hastack:postgres:\n  parameters:\n    work_mem: \"4MB\\0\" # <-") },
        { "parameter value of 5000 characters", "postgres-parameter-value", "hastack:postgres.parameters.search_path", Extra($"hastack:postgres:\n  parameters:\n    search_path: {new string('x', 5000)} # <-") },
        // other words that reach configs
        { "interface with a newline", "control-character", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: \"eth0\\n\" # <-") },
        { "interface with a semicolon", "interface-name", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: \"eth0;reboot\" # <-") },
        { "interface with a space", "interface-name", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: \"eth 0\" # <-") },
        { "interface with a tab", "control-character", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: \"eth\\t0\" # <-") },
        { "interface of 16 characters", "interface-name", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: abcdefghijklmnop # <-") },
        { "ssh user with a newline", "control-character", "hastack:ssh.user", Replace(Key, Key + "\n    user: \"root\\n\" # <-") },
        { "ssh user with a space", "ssh-user", "hastack:ssh.user", Replace(Key, Key + "\n    user: \"ro ot\" # <-") },
        { "host ssh user that is an option", "ssh-user", "hastack:hosts[0].sshUser", Replace(Host1, "    - { name: node1, address: 10.77.0.11, sshUser: \"-oProxyCommand=x\" } # <-") },
        { "host key with a newline", "control-character", "hastack:hosts[0].hostKey", Replace(Host1, "    - { name: node1, address: 10.77.0.11, hostKey: \"ssh-ed25519 AAAA\\n\" } # <-") },
        { "host key with a command after it", "host-key-format", "hastack:hosts[0].hostKey", Replace(Host1, "    - { name: node1, address: 10.77.0.11, hostKey: \"ssh-ed25519 AAAA; reboot\" } # <-") },
        { "Patroni scope with a slash", "patroni-scope", "hastack:patroni.scope", Extra("hastack:patroni:\n  scope: a/b # <-") },
        { "Patroni scope with a newline", "control-character", "hastack:patroni.scope", Extra("hastack:patroni:\n  scope: \"a\\n\" # <-") },
        { "pool mode with a newline", "control-character", "hastack:pgbouncer.poolMode", Extra("hastack:pgbouncer:\n  poolMode: \"session\\n\" # <-") },
        { "pool mode with more after it", "pool-mode", "hastack:pgbouncer.poolMode", Extra("hastack:pgbouncer:\n  poolMode: \"session;x\" # <-") },
        { "VIP layer with a newline", "control-character", "hastack:vip.floatsOver", Replace(Vip, Vip + "\n    floatsOver: \"haproxy\\n\" # <-") },
        { "unknown key with a bell character", "control-character", "hastack:vip.v\\u0007ip", Replace(Vip, Vip + "\n    \"v\\aip\": 1 # <-") },
        { "value holding a secret token", "secret-token-in-value", "hastack:vip.interface", Replace(Vip, Vip + "\n    interface: \"@@secret:replication:raw@@\" # <-") },
        // numbers
        { "port past 32 bits", "wrong-type", "hastack:etcd.clientPort", Extra("hastack:etcd:\n  clientPort: 99999999999 # <-") },
        { "port negative", "port-range", "hastack:etcd.peerPort", Extra("hastack:etcd:\n  peerPort: -1 # <-") },
        { "port in hex", "wrong-type", "hastack:ssh.port", Replace(Key, Key + "\n    port: 0x16 # <-") },
        { "advert interval NaN", "wrong-type", "hastack:vip.advertInterval", Replace(Vip, Vip + "\n    advertInterval: NaN # <-") },
        { "advert interval 1e400", "wrong-type", "hastack:vip.advertInterval", Replace(Vip, Vip + "\n    advertInterval: 1e400 # <-") },
        { "router id 256", "router-id-range", "hastack:vip.routerId", Replace(Vip, Vip + "\n    routerId: 256 # <-") },
        { "verify timeout of a day", "verify-timeout", "hastack:verify.sqlTimeoutSeconds", Extra("hastack:verify:\n  sqlTimeoutSeconds: 86400 # <-") },
        { "maximum lag past 64 bits", "wrong-type", "hastack:patroni.maximumLagOnFailover", Extra("hastack:patroni:\n  maximumLagOnFailover: 99999999999999999999 # <-") },
        // shapes
        { "hosts as a mapping", "wrong-type", "hastack:hosts", Replace("  hastack:hosts:\n" + Host1, "  hastack:hosts:\n    node1: { address: 10.77.0.11 } # <-").Replace("    - { name: node2, address: 10.77.0.12 }\n    - { name: node3, address: 10.77.0.13 }\n", "", StringComparison.Ordinal) },
        { "a host as a string", "wrong-type", "hastack:hosts[0]", Replace(Host1, "    - node1 # <-") },
        { "parameters as a list", "wrong-type", "hastack:postgres.parameters", Extra("hastack:postgres:\n  parameters: [a, b] # <-") },
        { "a parameter as a mapping", "wrong-type", "hastack:postgres.parameters.work_mem", Extra("hastack:postgres:\n  parameters:\n    work_mem: { a: 1 } # <-") },
        // empty values skipped every later check, then crashed rendering (issue 26)
        { "an empty host name", "empty-value", "hastack:hosts[0].name", Replace(Host1, "    - { name: \"\", address: 10.77.0.11 } # <-") },
        { "an empty host address", "empty-value", "hastack:hosts[0].address", Replace(Host1, "    - { name: node1, address: \"\" } # <-") },
        { "an empty VIP address", "empty-value", "hastack:vip.address", Replace(Vip, "    address: \"\" # <-") },
        { "an SSH timeout SSH.NET cannot take", "ssh-timeout", "hastack:ssh.connectTimeoutSeconds", Replace(Key, Key + "\n    connectTimeoutSeconds: 2147484 # <-") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_value_is_one_diagnostic_naming_its_key_and_line(string what, string rule, string key, string stack)
    {
        var result = TestStacks.Load(stack);
        Assert.Null(result.Config);
        var hit = result.Diagnostics.FirstOrDefault(d => d.Rule == rule && d.Key == key);
        Assert.True(hit is not null, $"{what}: expected [{rule}] at {key}; got:\n{string.Join("\n", result.Diagnostics)}");
        var line = stack.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(Marker, StringComparison.Ordinal)).i + 1;
        Assert.Equal(line, hit!.Location?.Line);
        Assert.DoesNotContain('\n', hit.ToString());
    }

    public static TheoryData<string, string, string> HugeCases() => new()
    {
        { "an alias bomb (a billion laughs)", "yaml-too-large", AliasBomb() },
        { "100,000 nested brackets", "yaml-too-deep", "config:\n  hastack:hosts: " + new string('[', 100_000) + new string(']', 100_000) + "\n" },
        { "65 nested mappings", "yaml-too-deep", "config:\n  hastack:x: " + string.Concat(Enumerable.Repeat("{a: ", 65)) + "1" + new string('}', 65) + "\n" },
        { "1,001 aliases", "yaml-too-large", "config:\n  hastack:x: &a 1\n  hastack:y: [" + string.Join(", ", Enumerable.Repeat("*a", 1001)) + "]\n" },
        { "a file of 2 MB", "yaml-too-large", "config:\n  hastack:x: \"" + new string('x', 2 << 20) + "\"\n" },
        // the alias resolves to the mapping it sits in: walking it never ended (a stack overflow, exit 134)
        { "an alias inside the value it names", "yaml-alias-cycle", "config:\n  hastack:vip: &m { address: *m }\n" },
        { "an alias cycle through a list", "yaml-alias-cycle", "config:\n  hastack:hosts: &l [ { name: a, more: *l } ]\n" },
        { "a second YAML document", "yaml-documents", "config:\n  hastack:vip: { address: 10.77.0.100/24 }\n---\nconfig: {}\n" },
    };

    private static string AliasBomb()
    {
        var text = new StringBuilder("config:\n  hastack:a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
            text.Append($"  hastack:a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(HugeCases))]
    public void A_stack_file_too_large_or_too_deep_is_refused_before_it_is_loaded(string what, string rule, string stack)
    {
        var result = TestStacks.Load(stack);
        Assert.Null(result.Config);
        Assert.True(result.Diagnostics.Any(d => d.Rule == rule && d.Location is not null), $"{what}: expected [{rule}]; got:\n{string.Join("\n", result.Diagnostics)}");
    }

    [Fact]
    public void More_hosts_users_or_databases_than_any_cluster_has_are_refused()
    {
        var hosts = string.Join("\n", Enumerable.Range(1, 65).Select(i => $"    - {{ name: n{i}, address: 10.77.1.{i} }}"));
        Assert.Contains(TestStacks.Load($"config:\n  hastack:hosts:\n{hosts}\n  hastack:vip:\n    address: 10.77.1.200/24\n").Diagnostics, d => d.Rule == "too-many" && d.Key == "hastack:hosts");
        var users = string.Join("\n", Enumerable.Range(1, 5001).Select(i => $"      - name: u{i}"));
        Assert.Contains(TestStacks.Load(Extra($"hastack:postgres:\n  users:\n{users.Replace("      ", "    ", StringComparison.Ordinal)}")).Diagnostics, d => d.Rule == "too-many" && d.Key == "hastack:postgres.users");
    }

    [Fact]
    public void Fifteen_hundred_users_render_whole_past_the_template_engines_default_loop_limit()
    {
        var users = string.Join("\n", Enumerable.Range(1, 1500).Select(i => $"    - name: u{i}"));
        var plan = StackPipeline.Plan(TestStacks.Valid(Extra($"hastack:postgres:\n  users:\n{users}")), "abc");
        var sql = plan.Files.Single(f => f.Host is null).Content;
        Assert.Contains("CREATE ROLE u1500 LOGIN", sql, StringComparison.Ordinal);
    }

    private static readonly (string Salt, PassphraseCrypter Crypter) Sealed = PassphraseCrypter.Create("k");

    public static TheoryData<string, string, string> SecretCases() => new()
    {
        { "a space", "x y", "vrrp-auth-characters" },
        { "a comment mark", "a#b", "vrrp-auth-characters" },
        { "keepalived's other comment mark", "a!b", "vrrp-auth-characters" },
        { "a double quote", "a\"b", "vrrp-auth-characters" },
        { "a brace", "a}b", "vrrp-auth-characters" },
        { "a backslash", "a\\b", "vrrp-auth-characters" },
        { "a newline", "ab\n", "control-character" },
        { "a secret token", "@@secret:x:raw@@", "secret-token-in-value" },
    };

    [Theory]
    [MemberData(nameof(SecretCases))]
    public void A_VRRP_password_keepalived_syntax_cannot_carry_is_refused_without_showing_it(string what, string password, string rule)
    {
        var stack = $"encryptionsalt: {Sealed.Salt}\n" + Replace(Vip, Vip + $"\n    vrrpVersion: 2\n    advertInterval: 1\n    authPassword: # <-\n      secure: {Sealed.Crypter.Encrypt(password)}");
        var result = TestStacks.Load(stack, "k");
        var hit = result.Diagnostics.FirstOrDefault(d => d.Rule == rule && d.Key == "hastack:vip.authPassword");
        Assert.True(hit is not null, $"{what}: expected [{rule}]; got:\n{string.Join("\n", result.Diagnostics)}");
        Assert.DoesNotContain(password, hit!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_passphrase_file_that_never_ends_or_is_missing_is_one_diagnostic()
    {
        var dir = Directory.CreateTempSubdirectory("hastack-hostile");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Pulumi.yaml"), TestStacks.Project);
            File.WriteAllText(Path.Combine(dir.FullName, "Pulumi.t.yaml"), $"encryptionsalt: {Sealed.Salt}\n" +
                Extra($"hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: {Sealed.Crypter.Encrypt("pw")}"));
            foreach (var file in new[] { "/dev/zero", Path.Combine(dir.FullName, "missing") })
            {
                var result = StackPipeline.Load(dir.FullName, "t", name => name == "PULUMI_CONFIG_PASSPHRASE_FILE" ? file : null);
                Assert.Contains(result.Diagnostics, d => d.Rule == "passphrase-file" && d.Problem.Contains(file, StringComparison.Ordinal));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
