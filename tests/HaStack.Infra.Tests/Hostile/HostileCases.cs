using System.Globalization;

namespace HaStack.Infra.Tests.Hostile;

/// <summary>
/// One row of the hostile-input table: how the input is laid out in a fresh project, the command, the exit code, and
/// what the one diagnostic must say (the key or file, and the fix).
/// </summary>
public sealed record HostileCase(string Category, string Name, Action<HostileRunContext> Arrange, string[] Args, int Exit, string[] Expect, bool Agent = false)
{
    public override string ToString() => $"{Category}: {Name}";
}

/// <summary>What a case's arrangement can touch: its run and the shared fixture.</summary>
public sealed record HostileRunContext(HostileRunHandle Run, HostileFixture Fixture);

/// <summary>The parts of <see cref="HostileRun"/> a case arranges (public, for the theory's data).</summary>
public sealed class HostileRunHandle
{
    internal HostileRunHandle(HostileRun run) => Inner = run;

    internal HostileRun Inner { get; }

    public string StackPath => Inner.StackPath;
    public string StatePath => Inner.StatePath;
    public string In(string relative) => Inner.In(relative);
    public void Env(string name, string? value) => Inner.Environment[name] = value;
    public void Fifo(string path) => Inner.Fifo(path);
    public void Symlink(string path, string target) => Inner.Symlink(path, target);
    public static void Sparse(string path, long bytes) => HostileRun.Sparse(path, bytes);

    public void EditStack(Func<string, string> edit) => File.WriteAllText(StackPath, edit(File.ReadAllText(StackPath)));
}

internal static class HostileCases
{
    private static readonly string[] Preview = ["preview", "--stack", "h"];

    private static HostileCase Case(string category, string name, Action<HostileRunContext> arrange, int exit, params string[] expect) =>
        new(category, name, arrange, Preview, exit, expect);

    /// <summary>Appends lines under <c>config:</c> (each line written as at the top of config, indented by the helper).</summary>
    private static Action<HostileRunContext> Add(string lines) =>
        c => c.Run.EditStack(s => s + string.Join("\n", lines.Split('\n').Select(l => "  " + l)) + "\n");

    private static Action<HostileRunContext> Replace(string old, string with) =>
        c => c.Run.EditStack(s =>
        {
            Assert.Contains(old, s, StringComparison.Ordinal);
            return s.Replace(old, with, StringComparison.Ordinal);
        });

    /// <summary>The base stack's hosts block (the key and its three lines) replaced whole.</summary>
    private static Action<HostileRunContext> Hosts(string block) =>
        c => c.Run.EditStack(s => System.Text.RegularExpressions.Regex.Replace(s, @"  hastack:hosts:\n(    - .*\n){3}", block.Replace("$", "$$", StringComparison.Ordinal)));

    private static Action<HostileRunContext> Both(Action<HostileRunContext> a, Action<HostileRunContext> b) => c =>
    {
        a(c);
        b(c);
    };

    private static string Q(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    public static IEnumerable<HostileCase> All() =>
        Ports().Concat(Names()).Concat(Addresses()).Concat(Patroni()).Concat(Parameters()).Concat(Tls()).Concat(Vip()).Concat(Ssh())
            .Concat(Secrets()).Concat(Yaml()).Concat(LocalFiles()).Concat(Cli()).Concat(State()).Concat(AgentConfigs());

    private static readonly (string Section, string Key, string Full)[] PortKeys =
    [
        ("postgres", "port", "postgres.port"), ("patroni", "restPort", "patroni.restPort"), ("pgbouncer", "port", "pgbouncer.port"),
        ("haproxy", "writePort", "haproxy.writePort"), ("haproxy", "readPort", "haproxy.readPort"), ("haproxy", "statsPort", "haproxy.statsPort"),
        ("etcd", "clientPort", "etcd.clientPort"), ("etcd", "peerPort", "etcd.peerPort"),
    ];

    private static IEnumerable<HostileCase> Ports()
    {
        foreach (var (section, key, full) in PortKeys)
        {
            foreach (var value in new[] { "0", "-1", "65536", "99999999999", "abc", "1.5", "0x10" })
                yield return Case("ports", $"{full}: {value}", Add($"hastack:{section}:\n  {key}: {value}"), 1, $"hastack:{full}", "fix:");
            // sshd's port on every host
            yield return Case("ports", $"{full} on sshd's port", c => Add($"hastack:{section}:\n  {key}: {c.Fixture.SshPort}")(c), 1, $"hastack:{full}", "is also ssh.port", "fix:");
        }
        foreach (var full in new[] { "postgres.port", "patroni.restPort", "pgbouncer.port", "etcd.clientPort", "etcd.peerPort" })
        {
            var (section, key) = (full[..full.IndexOf('.', StringComparison.Ordinal)], full[(full.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            foreach (var value in new[] { "1", "80", "443", "1023" })
                yield return Case("ports", $"{full} privileged {value}", Add($"hastack:{section}:\n  {key}: {value}"), 1, $"hastack:{full}", "below 1024", "fix:");
        }
        yield return Case("ports", "two services on one port", Add("hastack:haproxy:\n  writePort: 6432"), 1, "hastack:", "is also", "fix:");
        yield return Case("ports", "vip.statusPort 0", Replace("    address: 127.0.0.100/24", "    address: 127.0.0.100/24\n    statusPort: 0"), 1, "hastack:vip.statusPort", "fix:");
    }

    /// <summary>Text that must not become a role, a database or a host name.</summary>
    private static readonly string[] HostileNames =
    [
        "", "select", "all", "none", "user", "current_user", "session_user", "public", "pg_x", "App", "a b", "a;b", "a'b", "a\"b", "a\\b", "a$",
        "$(reboot)", "`id`", "a\nb", "a\tb", "é", "😀", new string('a', 64), "-a", "1a", "a-b", "a.b", "a/b", "..", "@@secret:x:raw@@", "table", "grant",
    ];

    private static IEnumerable<HostileCase> Names()
    {
        foreach (var name in HostileNames)
        {
            yield return Case("names", $"user name {Printable(name)}", Add($"hastack:postgres:\n  users:\n    - name: {Q(name)}"), 1, "hastack:postgres.users[0].name", "fix:");
            // a database may be called public or none, or start with pg_ (only roles reserve those)
            if (name is not ("public" or "none" or "pg_x"))
                yield return Case("names", $"database name {Printable(name)}", Add($"hastack:postgres:\n  databases:\n    - name: {Q(name)}"), 1, "hastack:postgres.databases[0].name", "fix:");
        }
        foreach (var name in new[] { "replicator", "rewind_user", "pgbouncer_auth", "postgres", "sameuser", "samerole" })
            yield return Case("names", $"user name {name}", Add($"hastack:postgres:\n  users:\n    - name: {name}"), 1, "hastack:postgres.users[0].name", "fix:");
        foreach (var name in new[] { "pgbouncer", "replication", "template0", "template1", "postgres", "samegroup" })
            yield return Case("names", $"database name {name}", Add($"hastack:postgres:\n  databases:\n    - name: {name}"), 1, "hastack:postgres.databases[0].name", "fix:");
        foreach (var name in new[] { "", "Node1", "node_1", "node1.", "-node1", "nöde1", "node1;reboot", "node1\n", new string('n', 64), "a b" })
            yield return Case("names", $"host name {Printable(name)}", Replace("name: node1,", $"name: {Q(name)},"), 1, "hastack:hosts[0].name", "fix:");
        yield return Case("names", "two hosts of one name", Replace("name: node2,", "name: node1,"), 1, "hastack:hosts[1].name", "fix:");
        yield return Case("names", "patroni scope with a slash", Add("hastack:patroni:\n  scope: a/b"), 1, "hastack:patroni.scope", "fix:");
        yield return Case("names", "patroni scope empty", Add("hastack:patroni:\n  scope: \"\""), 1, "hastack:patroni.scope", "fix:");
    }

    private static IEnumerable<HostileCase> Addresses()
    {
        foreach (var address in new[] { "0.0.0.1", "0.0.0.0", "224.0.0.5", "239.255.255.255", "240.0.0.1", "255.255.255.255", "127.0.0.021", "0127.0.0.21",
                     "0x7f.0.0.21", "127.0.0", "127.0.0.0.21", "256.0.0.21", "", "::1", "localhost", "127.0.0.21/24", " 127.0.0.21x" })
            yield return Case("addresses", $"host address {Printable(address)}", Replace($"address: {HostileRun.HostAddresses[0]} ", $"address: {Q(address)} "), 1, "hastack:hosts[0].address", "fix:");
        yield return Case("addresses", "two hosts at one address", Replace($"address: {HostileRun.HostAddresses[1]} ", $"address: {HostileRun.HostAddresses[0]} "), 1, "hastack:hosts[1].address", "fix:");
        foreach (var vip in new[] { "0.0.0.0/0", "0.0.0.5/24", "224.0.0.18/24", "255.255.255.255/24", "240.0.0.1/24", "127.0.0.0100/24", "127.0.0.100", "127.0.0.100/0",
                     "127.0.0.100/33", "127.0.0.100/-1", "127.0.0.100/a", "127.0.0.0/24", "127.0.0.255/24", "127.0.0.21/24", "10.0.0.100/24", "127.0.0.100/32", "", "vip", "::1/64", "127.0.0.100/24/8" })
            yield return Case("addresses", $"VIP {Printable(vip)}", Replace("    address: 127.0.0.100/24", $"    address: {Q(vip)}"), 1, "hastack:vip.address", "fix:");
    }

    private static IEnumerable<HostileCase> Patroni()
    {
        foreach (var key in new[] { "ttl", "loopWait", "retryTimeout" })
            foreach (var value in new[] { "0", "-1", "3601", "2147483647", "1073741824", "x", "1.5" })
                yield return Case("patroni", $"{key}: {value}", Add($"hastack:patroni:\n  {key}: {value}"), 1, "hastack:patroni.", "fix:");
        yield return Case("patroni", "ttl below loopWait + 2 x retryTimeout", Add("hastack:patroni:\n  ttl: 20\n  loopWait: 10\n  retryTimeout: 10"), 1, "hastack:patroni.ttl", "fix:");
        foreach (var value in new[] { "-1", "99999999999999999999", "x" })
            yield return Case("patroni", $"maximumLagOnFailover {value}", Add($"hastack:patroni:\n  maximumLagOnFailover: {value}"), 1, "hastack:patroni.maximumLagOnFailover", "fix:");
        foreach (var value in new[] { "0", "-5", "99999", "x" })
            yield return Case("patroni", $"restPort {value}", Add($"hastack:patroni:\n  restPort: {value}"), 1, "hastack:patroni.restPort", "fix:");
    }

    private static IEnumerable<HostileCase> Parameters()
    {
        foreach (var name in new[] { "port", "listen_addresses", "data_directory", "hba_file", "ident_file", "config_file", "synchronous_standby_names", "hot_standby",
                     "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "unix_socket_directories", "password_encryption", "include", "include_dir", "include_if_exists", "SSL", "Port" })
            yield return Case("parameters", $"managed {name}", Add($"hastack:postgres:\n  parameters:\n    {name}: \"x\""), 1, $"hastack:postgres.parameters.{name}", "fix:");
        foreach (var (name, value) in new[] { ("fsync", "off"), ("fsync", "false"), ("full_page_writes", "off"), ("synchronous_commit", "off"), ("synchronous_commit", "local"), ("FSYNC", "OFF") })
            yield return Case("parameters", $"{name}: {value} without acceptDataLoss", Add($"hastack:postgres:\n  parameters:\n    {name}: \"{value}\""), 1, $"hastack:postgres.parameters.{name}", "acceptDataLoss", "fix:");
        foreach (var (name, value) in new[] { ("max_wal_senders", "0"), ("max_wal_senders", "2"), ("max_replication_slots", "0"), ("max_connections", "0"), ("max_connections", "5"), ("max_connections", "many"), ("wal_level", "minimal") })
            yield return Case("parameters", $"{name}: {value}", Add($"hastack:postgres:\n  parameters:\n    {name}: \"{value}\""), 1, $"hastack:postgres.parameters.{name}", "fix:");
        foreach (var name in new[] { "a b", "1abc", "a;b", new string('a', 64), "a-b" })
            yield return Case("parameters", $"name {Printable(name)}", Add($"hastack:postgres:\n  parameters:\n    {Q(name)}: \"1\""), 1, "hastack:postgres.parameters.", "fix:");
        yield return Case("parameters", "work_mem and WORK_MEM", Add("hastack:postgres:\n  parameters:\n    work_mem: 4MB\n    WORK_MEM: 8MB"), 1, "hastack:postgres.parameters.WORK_MEM", "fix:");
        foreach (var nothing in new[] { "~", "null", "NULL", "" })
            yield return Case("parameters", $"a null value '{nothing}'", Add($"hastack:postgres:\n  parameters:\n    work_mem: {nothing}"), 1, "hastack:postgres.parameters.work_mem", "fix:");
        yield return Case("parameters", "a quoted tilde is a value", Add("hastack:postgres:\n  parameters:\n    work_mem: \"~\"\n    fsync: \"off\""), 1, "hastack:postgres.parameters.fsync", "fix:");
        yield return Case("parameters", "an empty value", Add("hastack:postgres:\n  parameters:\n    work_mem: \"\""), 1, "hastack:postgres.parameters.work_mem", "fix:");
        yield return Case("parameters", "a value of 5,000 characters", Add($"hastack:postgres:\n  parameters:\n    application_name: {new string('a', 5000)}"), 1, "hastack:postgres.parameters.application_name", "fix:");
        yield return Case("parameters", "a value with a newline", Add("hastack:postgres:\n  parameters:\n    application_name: \"a\\nb\""), 1, "hastack:postgres.parameters.application_name", "fix:");
        yield return Case("parameters", "parameters as a list", Add("hastack:postgres:\n  parameters: [a, b]"), 1, "hastack:postgres.parameters", "fix:");
        yield return Case("parameters", "postgres.version 12", Add("hastack:postgres:\n  version: 12"), 1, "hastack:postgres.version", "fix:");
        yield return Case("parameters", "postgres.version 99", Add("hastack:postgres:\n  version: 99"), 1, "hastack:postgres.version", "fix:");
        yield return Case("parameters", "synchronousMode bogus", Add("hastack:postgres:\n  synchronousMode: maybe"), 1, "hastack:postgres.synchronousMode", "fix:");
    }

    private static IEnumerable<HostileCase> Tls()
    {
        yield return Case("tls", "certificateDays 0", Add("hastack:tls:\n  certificateDays: 0"), 1, "hastack:tls.certificateDays", "fix:");
        yield return Case("tls", "certificateDays -1", Add("hastack:tls:\n  certificateDays: -1"), 1, "hastack:tls.certificateDays", "fix:");
        yield return Case("tls", "renewDaysBefore -1", Add("hastack:tls:\n  renewDaysBefore: -1"), 1, "hastack:tls.renewDaysBefore", "fix:");
        yield return Case("tls", "renewDaysBefore past the certificate's days", Add("hastack:tls:\n  certificateDays: 30\n  renewDaysBefore: 30"), 1, "hastack:tls.renewDaysBefore", "fix:");
        yield return Case("tls", "a CA certificate without its key", Add("hastack:tls:\n  caCertificate: x"), 1, "hastack:tls.caKey", "fix:");
        yield return Case("tls", "tls.enabled as text", Add("hastack:tls:\n  enabled: maybe"), 1, "hastack:tls.enabled", "fix:");
        yield return Case("tls", "ssl on with TLS off", Add("hastack:tls:\n  enabled: false\nhastack:postgres:\n  parameters:\n    ssl: \"on\""), 1, "hastack:postgres.parameters.ssl", "fix:");
        yield return Case("tls", "two certificates as the CA", c => Add("hastack:tls:\n  caCertificate: |\n    -----BEGIN CERTIFICATE-----\n    AAAA\n    -----END CERTIFICATE-----\n    -----BEGIN CERTIFICATE-----\n    AAAA\n    -----END CERTIFICATE-----\n  caKey:\n    secure: " + c.Fixture.Secrets.Crypter.Encrypt("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))(c),
            1, "hastack:tls.caCertificate", "fix:");
        yield return Case("tls", "a CA that is not a certificate", c => Add("hastack:tls:\n  caCertificate: not a certificate\n  caKey:\n    secure: " + c.Fixture.Secrets.Crypter.Encrypt("not a key"))(c),
            1, "hastack:tls.caCertificate", "fix:");
    }

    private static IEnumerable<HostileCase> Vip()
    {
        var at = "    address: 127.0.0.100/24";
        foreach (var (key, value) in new[] { ("routerId", "0"), ("routerId", "256"), ("routerId", "-1"), ("routerId", "x"), ("vrrpVersion", "1"), ("vrrpVersion", "4"),
                     ("advertInterval", "0"), ("advertInterval", "41"), ("advertInterval", "0.001"), ("floatsOver", "bogus"), ("unicast", "perhaps"), ("preempt", "2") })
            yield return Case("vip", $"{key}: {value}", Replace(at, $"{at}\n    {key}: {value}"), 1, $"hastack:vip.{key}", "fix:");
        yield return Case("vip", "VRRPv2 with half a second", Replace(at, $"{at}\n    vrrpVersion: 2\n    advertInterval: 0.5"), 1, "hastack:vip.advertInterval", "fix:");
        foreach (var name in new[] { "..", ".", "eth0:1", "a/b", new string('e', 16), "", "eth0;reboot", "é0", "eth 0", "$(id)" })
            yield return Case("vip", $"interface {Printable(name)}", Replace(at, $"{at}\n    interface: {Q(name)}"), 1, "hastack:vip.interface", "fix:");
        yield return Case("vip", "an auth password with VRRPv3", c => Replace(at, $"{at}\n    authPassword:\n      secure: {c.Fixture.Secrets.Crypter.Encrypt("pw")}")(c), 1, "hastack:vip.", "fix:");
    }

    private static IEnumerable<HostileCase> Ssh()
    {
        foreach (var value in new[] { "0", "-1", "3601", "2147484", "x" })
            yield return Case("ssh", $"connectTimeoutSeconds {value}", Replace("    connectTimeoutSeconds: 2", $"    connectTimeoutSeconds: {value}"), 1, "hastack:ssh.connectTimeoutSeconds", "fix:");
        foreach (var value in new[] { "0", "65536", "-22", "x" })
            yield return Case("ssh", $"port {value}", c => Replace($"    port: {c.Fixture.SshPort}", $"    port: {value}")(c), 1, "hastack:ssh.port", "fix:");
        foreach (var user in new[] { "root;reboot", "Root", "a b", "$(id)" })
            yield return Case("ssh", $"user {Printable(user)}", c => Replace($"    port: {c.Fixture.SshPort}", $"    port: {c.Fixture.SshPort}\n    user: {Q(user)}")(c), 1, "hastack:ssh.user", "fix:");
        yield return Case("ssh", "a host key that is no key", Replace("name: node1,", "hostKey: \"ssh-ed25519 !!\", name: node1,"), 1, "hastack:hosts[0].hostKey", "fix:");
        yield return Case("ssh", "a host's sshPort 70000", Replace("name: node1,", "sshPort: 70000, name: node1,"), 1, "hastack:hosts[0].sshPort", "fix:");
    }

    private static IEnumerable<HostileCase> Secrets()
    {
        var user = "hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: ";
        foreach (var value in new[] { "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAA", "v1:AAAA:AAAA", "v1:xx", "garbage", "v2:AAAA:AAAA" })
            yield return Case("secrets", $"a damaged secure value {value}", Add(user + value), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "secure as a list", Add("hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: [a, b]"), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "a password in plaintext", Add("hastack:postgres:\n  users:\n    - name: app\n      password: hunter2"), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "an empty password", c => Add(user + c.Fixture.Secrets.Crypter.Encrypt(""))(c), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "a password with a newline", c => Add(user + c.Fixture.Secrets.Crypter.Encrypt("a\nb"))(c), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "a password holding a secret token", c => Add(user + c.Fixture.Secrets.Crypter.Encrypt("@@secret:replication:raw@@"))(c), 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "the wrong passphrase", c => { Add(user + c.Fixture.Secrets.Crypter.Encrypt("pw"))(c); c.Run.Env("PULUMI_CONFIG_PASSPHRASE", "wrong"); }, 1, "passphrase", "PULUMI_CONFIG_PASSPHRASE");
        yield return Case("secrets", "no passphrase", c => { Add(user + c.Fixture.Secrets.Crypter.Encrypt("pw"))(c); c.Run.Env("PULUMI_CONFIG_PASSPHRASE", null); }, 1, "hastack:postgres.users[0].password", "fix:");
        yield return Case("secrets", "no encryptionsalt", c => { Add(user + c.Fixture.Secrets.Crypter.Encrypt("pw"))(c); c.Run.EditStack(s => string.Join('\n', s.Split('\n').Skip(1))); }, 1, "encryptionsalt", "fix:");
        yield return Case("secrets", "another secrets provider", c => { Add(user + c.Fixture.Secrets.Crypter.Encrypt("pw"))(c); c.Run.EditStack(s => "secretsprovider: awskms://alias/x\n" + s); }, 1, "awskms", "fix:");
        yield return Case("secrets", "a damaged encryptionsalt", c => { Add(user + c.Fixture.Secrets.Crypter.Encrypt("pw"))(c); c.Run.EditStack(s => "encryptionsalt: v1:!!:v1:AAAA:AAAA\n" + string.Join('\n', s.Split('\n').Skip(1))); }, 1, "encryptionsalt", "fix:");
    }

    private static IEnumerable<HostileCase> Yaml()
    {
        yield return Case("yaml", "an alias inside its own value", c => c.Run.EditStack(_ => "config:\n  hastack:vip: &m { address: *m }\n"), 1, "yaml-alias-cycle");
        yield return Case("yaml", "an alias cycle through a list", c => c.Run.EditStack(_ => "config:\n  hastack:hosts: &l [ { name: a, more: *l } ]\n"), 1, "yaml-alias-cycle");
        yield return Case("yaml", "an alias cycle in Pulumi.yaml", c => File.WriteAllText(c.Run.In("Pulumi.yaml"), "name: hastack\nruntime: dotnet\nconfig:\n  hastack:x: &m { default: *m }\n"), 1, "yaml-alias-cycle");
        yield return Case("yaml", "a second document", c => c.Run.EditStack(s => s + "---\nconfig: {}\n"), 1, "yaml-documents", "fix:");
        yield return Case("yaml", "a billion laughs", c => c.Run.EditStack(s => s + string.Concat(Enumerable.Range(0, 10).Select(i => i == 0 ? "  hastack:a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" : $"  hastack:a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"))), 1, "yaml-too-large");
        yield return Case("yaml", "100,000 brackets", c => c.Run.EditStack(s => s + "  hastack:x: " + new string('[', 100_000) + new string(']', 100_000) + "\n"), 1, "yaml-too-deep");
        yield return Case("yaml", "a duplicate key", c => c.Run.EditStack(s => s + "  hastack:vip: { address: 127.0.0.101/24 }\n"), 1, "Duplicate key");
        yield return Case("yaml", "a tab for indentation", c => c.Run.EditStack(s => s + "\thastack:x: 1\n"), 1, "is not valid YAML", "fix:");
        yield return Case("yaml", "an unterminated quote", c => c.Run.EditStack(s => s + "  hastack:x: \"abc\n"), 1, "is not valid YAML", "fix:");
        yield return Case("yaml", "hosts as a mapping", Hosts("  hastack:hosts: { a: 1 }\n"), 1, "hastack:hosts", "fix:");
        yield return Case("yaml", "config as a list", c => c.Run.EditStack(_ => "config: [a, b]\n"), 1, "config", "fix:");
        yield return Case("yaml", "an empty stack file", c => c.Run.EditStack(_ => ""), 1, "hastack:hosts", "fix:");
        yield return Case("yaml", "no hosts", Hosts("  hastack:hosts: []\n"), 1, "hastack:hosts", "fix:");
        yield return Case("yaml", "a host as a string", Hosts("  hastack:hosts:\n    - node1\n"), 1, "hastack:hosts[0]", "fix:");
        yield return Case("yaml", "a stack file of 2 MB", c => c.Run.EditStack(s => s + "  hastack:x: \"" + new string('x', 2 << 20) + "\"\n"), 1, "fix:");
        yield return Case("yaml", "a project without a name", c => File.WriteAllText(c.Run.In("Pulumi.yaml"), "runtime: dotnet\n"), 1, "name", "fix:");
        yield return Case("yaml", "a project name climbing out", c => File.WriteAllText(c.Run.In("Pulumi.yaml"), "name: ../../../outside\nruntime: dotnet\n"), 1, "is not a project name", "fix:");
        yield return Case("yaml", "a project name with a slash", c => File.WriteAllText(c.Run.In("Pulumi.yaml"), "name: a/b\nruntime: dotnet\n"), 1, "is not a project name", "fix:");
        yield return Case("yaml", "a project name of ..", c => File.WriteAllText(c.Run.In("Pulumi.yaml"), "name: \"..\"\nruntime: dotnet\n"), 1, "is not a project name", "fix:");
        yield return Case("yaml", "an unknown key", c => c.Run.EditStack(s => s + "  hastack:vipp: 1\n"), 1, "hastack:vipp", "fix:");
        yield return Case("yaml", "an unknown nested key", Replace("    address: 127.0.0.100/24", "    address: 127.0.0.100/24\n    adress: 1"), 1, "hastack:vip.adress", "fix:");
    }

    private static IEnumerable<HostileCase> LocalFiles()
    {
        // each file HaStack reads, made into what would hang, exhaust memory or crash a naive reader
        var files = new (string What, Func<HostileRunContext, string> Path, Action<HostileRunContext, string> Point, string Named)[]
        {
            ("stack file", c => c.Run.StackPath, (_, _) => { }, "Pulumi.h.yaml"),
            ("Pulumi.yaml", c => c.Run.In("Pulumi.yaml"), (_, _) => { }, "Pulumi.yaml"),
            ("private key", c => c.Run.In("key"), (c, p) => Replace(c.Fixture.Key, p)(c), "hastack:ssh.privateKeyFile"),
            ("known_hosts", c => c.Run.In("known_hosts"), (c, p) => Replace("    connectTimeoutSeconds: 2", $"    connectTimeoutSeconds: 2\n    knownHostsFile: {p}")(c), "hastack:ssh.knownHostsFile"),
            ("passphrase file", c => c.Run.In("passphrase"), (c, p) => { c.Run.Env("PULUMI_CONFIG_PASSPHRASE", null); c.Run.Env("PULUMI_CONFIG_PASSPHRASE_FILE", p); }, "PULUMI_CONFIG_PASSPHRASE_FILE"),
            ("agent binary", c => c.Run.In("agent"), (c, p) => c.Run.Env("HASTACK_AGENT_BINARY", p), "HASTACK_AGENT_BINARY"),
            ("state", c => c.Run.StatePath, (_, _) => { }, "h.json"),
        };
        foreach (var (what, path, point, named) in files)
        {
            yield return Case("files", $"{what} as a FIFO", c => { var p = path(c); c.Run.Fifo(p); point(c, p); }, 1, named, "not a regular file");
            yield return Case("files", $"{what} as a symlink to /dev/zero", c => { var p = path(c); c.Run.Symlink(p, "/dev/zero"); point(c, p); }, 1, named, "not a regular file");
            yield return Case("files", $"{what} as a directory", c => { var p = path(c); Directory.CreateDirectory(Path.GetDirectoryName(p)!); File.Delete(p); Directory.CreateDirectory(p); point(c, p); }, 1, named, "directory");
            yield return Case("files", $"{what} as a symlink loop", c => { var p = path(c); c.Run.Symlink(p + ".loop", p); c.Run.Symlink(p, p + ".loop"); point(c, p); }, 1, named);
            yield return Case("files", $"{what} of 80 MB", c => { var p = path(c); HostileRunHandle.Sparse(p, 80L << 20); point(c, p); }, 1, named, "larger than");
        }
        yield return Case("files", "a private key that does not exist", Replace("privateKeyFile: ", "privateKeyFile: /nonexistent"), 1, "hastack:ssh.privateKeyFile", "does not exist");
        yield return Case("files", "a private key that is no key", c => { File.WriteAllText(c.Run.In("key"), "not a key\n"); Replace(c.Fixture.Key, c.Run.In("key"))(c); }, 1, "hastack:ssh.privateKeyFile", "fix:");
        yield return Case("files", "a passphrase file that does not exist", c => { c.Run.Env("PULUMI_CONFIG_PASSPHRASE", null); c.Run.Env("PULUMI_CONFIG_PASSPHRASE_FILE", "/nonexistent"); }, 1, "PULUMI_CONFIG_PASSPHRASE_FILE", "does not exist");
        yield return Case("files", "an agent binary that does not exist", c => c.Run.Env("HASTACK_AGENT_BINARY", "/nonexistent"), 1, "HASTACK_AGENT_BINARY", "does not exist");
        yield return Case("files", "a stack file that is not UTF-8", c => File.WriteAllBytes(c.Run.StackPath, [0x63, 0x6f, 0xff, 0xfe, 0x0a]), 1, "Pulumi.h.yaml", "UTF-8");
    }

    private static IEnumerable<HostileCase> Cli()
    {
        HostileCase Usage(string name, params string[] args) => new("cli", name, _ => { }, args, 2, ["error:"]);
        yield return Usage("an unknown command", "bogus");
        yield return Usage("an unknown flag", "preview", "--stack", "h", "--bogus");
        yield return Usage("--stack without a value", "preview", "--stack");
        yield return Usage("--stack twice", "preview", "--stack", "h", "--stack", "h");
        yield return Usage("no --stack", "preview");
        foreach (var value in new[] { "0", "-1", "x", "65", "99999999999" })
            yield return Usage($"--parallel {value}", "up", "--stack", "h", "--parallel", value);
        foreach (var value in new[] { "bogus", "layer-stop,bogus", "$(reboot)" })
            yield return Usage($"--faults {value}", "verify", "--stack", "h", "--faults", value);
        foreach (var stack in new[] { "./../../../../tmp/x", "../x", "", ".", "..", "a/b", "a b", new string('s', 101) })
            yield return new HostileCase("cli", $"--stack {Printable(stack)}", _ => { }, ["preview", "--stack", stack], 1, ["is not a stack name", "fix:"]);
        yield return new HostileCase("cli", "a stack that does not exist", _ => { }, ["preview", "--stack", "nope"], 1, ["no stack file", "fix:"]);
        yield return new HostileCase("cli", "render --out /dev/null", _ => { }, ["render", "--stack", "h", "--out", "/dev/null"], 1, ["--out", "fix:"]);
        yield return new HostileCase("cli", "render --out under a file", c => File.WriteAllText(c.Run.In("plain"), "x"), ["render", "--stack", "h", "--out", "plain/sub"], 1, ["--out", "fix:"]);
        yield return new HostileCase("cli", "render --out under /proc", _ => { }, ["render", "--stack", "h", "--out", "/proc/self/hastack"], 1, ["--out", "fix:"]);
        yield return new HostileCase("cli", "output without a state's passphrase", c => c.Run.Env("PULUMI_CONFIG_PASSPHRASE", null), ["output", "--stack", "h"], 1, ["passphrase", "PULUMI_CONFIG_PASSPHRASE"]);
        yield return new HostileCase("cli", "adopt-state with nothing to adopt", _ => { }, ["adopt-state", "--stack", "h"], 1, ["nothing to adopt"]);
    }

    /// <summary>A state written with the stack's key, then changed as an attacker without it would.</summary>
    private static IEnumerable<HostileCase> State()
    {
        foreach (var (name, text, expect) in new[]
                 {
                     ("not JSON", "version: 1", "is not a HaStack state file"),
                     ("null", "null", "holds no JSON object"),
                     ("a key given twice", "{\"version\":2,\"version\":1}", "is not a HaStack state file"),
                     ("no salt", "{\"version\":1,\"project\":\"hastack\",\"stack\":\"h\"}", "has no encryptionSalt"),
                     ("nested 100,000 deep", new string('[', 100_000), "is not a HaStack state file"),
                     ("truncated", "{\"version\": 1, \"pro", "is not a HaStack state file"),
                 })
            yield return Case("state", name, c => { Directory.CreateDirectory(Path.GetDirectoryName(c.Run.StatePath)!); File.WriteAllText(c.Run.StatePath, text); }, 1, "h.json", expect);
        string Salted(HostileRunContext c, string rest) =>
            $"{{\"version\":1,\"project\":\"hastack\",\"stack\":\"h\",\"encryptionSalt\":\"{c.Fixture.Secrets.Salt}\",\"resources\":[],\"secrets\":{{}},\"outputs\":{{}},\"hosts\":{{}}{rest}}}";
        yield return Case("state", "no authentication code", c => { Directory.CreateDirectory(Path.GetDirectoryName(c.Run.StatePath)!); File.WriteAllText(c.Run.StatePath, Salted(c, "")); }, 1, "h.json", "adopt-state");
        yield return Case("state", "an authentication code of another content", c => { Directory.CreateDirectory(Path.GetDirectoryName(c.Run.StatePath)!); File.WriteAllText(c.Run.StatePath, Salted(c, ",\"authentication\":\"v1:" + new string('0', 64) + "\"")); }, 1, "h.json", "does not match");
        yield return Case("state", "an authentication code that is a number", c => { Directory.CreateDirectory(Path.GetDirectoryName(c.Run.StatePath)!); File.WriteAllText(c.Run.StatePath, Salted(c, ",\"authentication\":1")); }, 1, "h.json", "does not match");
        yield return Case("state", "another stack's state under the wrong passphrase", c => { Directory.CreateDirectory(Path.GetDirectoryName(c.Run.StatePath)!); File.WriteAllText(c.Run.StatePath, Salted(c, "")); c.Run.Env("PULUMI_CONFIG_PASSPHRASE", "wrong"); }, 1, "passphrase");
    }

    /// <summary>The agent's check-config on configs an operator or an attacker could hand it.</summary>
    private static IEnumerable<HostileCase> AgentConfigs()
    {
        const string Instance = "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n";
        HostileCase Config(string name, string body, params string[] expect) =>
            new("agent", name, c => File.WriteAllText(c.Run.In("main.conf"), body), ["check-config", "main.conf"], 1, expect, Agent: true);
        foreach (var vip in new[] { "0.0.0.0/0", "224.0.0.18/32", "127.0.0.0100/24", "255.255.255.255/32", "10.0.0.1/0", "10.0.0.1/33", "0.0.0.5/24", "10.0.0.1/x" })
            yield return Config($"virtual address {vip}", Instance + $"  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n", "main.conf:", "error:");
        yield return Config("unicast_src_ip 0.0.0.0", Instance + "  unicast_src_ip 0.0.0.0\n  unicast_peer {\n    10.0.0.2\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n", "0.0.0.0", "error:");
        yield return Config("a peer 255.255.255.255", Instance + "  unicast_src_ip 10.0.0.1\n  unicast_peer {\n    255.255.255.255\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n", "255.255.255.255", "error:");
        foreach (var name in new[] { "..", "eth0:1", new string('e', 100), "a/b" })
            yield return Config($"interface {Printable(name)}", Instance.Replace("interface eth0", $"interface {name}", StringComparison.Ordinal) + "  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n", "interface", "error:");
        yield return new("agent", "include /etc/shadow is not echoed", c => File.WriteAllText(c.Run.In("main.conf"), "include /etc/shadow\n"), ["check-config", "main.conf"], 1, ["not a keepalived statement"], Agent: true);
        yield return new("agent", "300 includes of a 0.9 MiB file", c =>
        {
            File.WriteAllText(c.Run.In("big.inc"), string.Concat(Enumerable.Repeat("# filler line of a large include file, nothing else\n", 18_000)));
            File.WriteAllText(c.Run.In("main.conf"), string.Concat(Enumerable.Repeat("include big.inc\n", 300)));
        }, ["check-config", "main.conf"], 1, ["includes read more than"], Agent: true);
        yield return new("agent", "nine files that include *.conf", c =>
        {
            for (var i = 0; i < 9; i++)
                File.WriteAllText(c.Run.In($"f{i}.conf"), "include *.conf\n");
            File.WriteAllText(c.Run.In("main.conf"), "include f*.conf\n");
        }, ["check-config", "main.conf"], 1, ["error:"], Agent: true);
        yield return new("agent", "an include that is a FIFO", c => { c.Run.Fifo(c.Run.In("fifo.conf")); File.WriteAllText(c.Run.In("main.conf"), "include fifo.conf\n"); }, ["check-config", "main.conf"], 1, ["fifo.conf"], Agent: true);
        yield return new("agent", "an include of /dev/zero", c => File.WriteAllText(c.Run.In("main.conf"), "include /dev/zero\n"), ["check-config", "main.conf"], 1, ["/dev/zero"], Agent: true);
        yield return new("agent", "the config itself a FIFO", c => c.Run.Fifo(c.Run.In("main.conf")), ["check-config", "main.conf"], 1, ["cannot read"], Agent: true);
        yield return new("agent", "a bare relative name finds its include", c =>
        {
            File.WriteAllText(c.Run.In("inst.conf"), Instance + "  virtual_ipaddress {\n    10.0.0.100/24\n  }\n  priority 300\n}\n");
            File.WriteAllText(c.Run.In("main.conf"), "include inst.conf\n");
        }, ["check-config", "main.conf"], 1, ["priority 300"], Agent: true);
    }

    private static string Printable(string text) => text.Length > 24 ? $"{text.Length} × '{text[0]}'" : HaStack.Infra.Config.TextRules.Printable(text).Replace(' ', '␠');

    public static string Count(IEnumerable<HostileCase> cases) =>
        string.Join(", ", cases.GroupBy(c => c.Category).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()}")));
}
