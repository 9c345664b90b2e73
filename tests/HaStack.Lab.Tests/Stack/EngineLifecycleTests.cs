using System.Text.RegularExpressions;
using System.Text.Json;
using HaStack.Infra.Stack;
using HaStack.Lab.Tests.Agent;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

/// <summary>
/// The embedded engine against the lab's real sshd and systemd, as one lifecycle: preview, refused runs, a
/// failure half-way and the resuming up, the idempotent second up, a targeted change, drift and its repair,
/// a sudo user, destroy. The tests run in name order; each starts from the hosts the previous one left.
/// </summary>
[Collection(LabTestGroup.Name)]
[TestCaseOrderer(ByNameOrderer.TypeName, ByNameOrderer.AssemblyName)]
public partial class EngineLifecycleTests(LabFixture fixture)
{
    private static EngineProject? shared;
    private readonly LabEnvironment lab = fixture.Lab;

    private EngineProject Project
    {
        get
        {
            if (shared is null)
            {
                EngineProject.CleanSlate(lab);
                shared = new EngineProject();
            }
            return shared;
        }
    }
    private const string Services = "etcd patroni pgbouncer haproxy hastack-vrrpd";

    private LabHost Node(int n) => lab.Hosts[n - 1];

    /// <summary>When each of our services last (re)started, per host: unchanged means nothing restarted.</summary>
    private Dictionary<string, string> StartTimes() => lab.Hosts.ToDictionary(h => h.Name,
        h => h.Check($"systemctl show -p MainPID -p ActiveEnterTimestampMonotonic {Services}"));

    /// <summary>Every path HaStack writes, with its time and size, and the installed packages, per host: equal means untouched.</summary>
    private List<string> Footprint() => lab.Hosts.Select(h => h.Check(
        "ls -l --time-style=full-iso /usr/sbin/policy-rc.d /etc/default/etcd /etc/postgresql-common/createcluster.d /etc/haproxy /etc/patroni " +
        "/etc/pgbouncer /etc/hastack-vrrpd /etc/systemd/system/hastack-vrrpd.service /usr/local/sbin 2>&1; dpkg-query -W | md5sum")).ToList();

    [Fact]
    public void Step01_preview_shows_every_resource_to_create_and_touches_no_host()
    {
        var before = Footprint();
        var run = Project.Check("preview");
        Assert.Matches(@"\+ \d+ to create", run.Stdout);
        Assert.Contains("hastack:host:Service         node1:patroni", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Footprint());
        Assert.False(File.Exists(Project.StatePath));
    }

    [Fact]
    public void Step02_a_wrong_host_key_stops_the_run_before_any_change_and_shows_both_keys()
    {
        using var pinned = new EngineProject("wrongkey", text => text.Replace("      address: 10.77.0.11\n",
            "      address: 10.77.0.11\n      hostKey: SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", StringComparison.Ordinal));
        var before = Footprint();
        var run = pinned.Run("up", "--yes");
        Assert.Equal(1, run.Exit);
        Assert.Matches(@"node1 \(10\.77\.0\.11:22\) presented host key SHA256:[A-Za-z0-9+/]{43} \(ssh-ed25519\), but the pinned key is the stack's hostKey SHA256:A{43}", run.Stderr);
        Assert.Contains("no change was made", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Footprint());
    }

    [Fact]
    public void Step03_a_failure_half_way_is_recorded_and_the_next_up_resumes_from_it()
    {
        // a directory where the engine writes its temporary file makes exactly one file step fail
        Node(2).Check("mkdir -p /etc/haproxy/haproxy.cfg.hastack-new");
        try
        {
            var failed = Project.Run("up", "--yes");
            Assert.True(failed.Exit == 1, failed.ToString());
            Assert.Contains("node2:/etc/haproxy/haproxy.cfg", Regex.Match(failed.Stdout, @".*\*\*creating failed\*\*.*").Value, StringComparison.Ordinal);
            Assert.Matches(@"node2:haproxy\s+skipped \(a resource it depends on failed\)", failed.Stdout);
            Assert.Contains("the next up resumes", failed.Stderr, StringComparison.Ordinal);
            var state = File.ReadAllText(Project.StatePath);
            Assert.Contains("hastack:host:Service::node1:patroni", state, StringComparison.Ordinal);
            Assert.DoesNotContain("hastack:host:File::node2:/etc/haproxy/haproxy.cfg\"", state, StringComparison.Ordinal);
        }
        finally
        {
            Node(2).Check("rmdir /etc/haproxy/haproxy.cfg.hastack-new");
        }
        var resumed = Project.Check("up", "--yes");
        var created = Regex.Matches(resumed.Stdout, @"^ \+  \S+\s+(\S+)\s+created", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Contains("node2:/etc/haproxy/haproxy.cfg", created);
        Assert.Contains("node2:haproxy", created);
        Assert.DoesNotContain("node1:patroni", created);
        Assert.All(lab.Hosts, h => Assert.Equal(string.Join('\n', Services.Split(' ').Select(_ => "active")), h.Check($"systemctl is-active {Services}").Trim()));
    }

    [Fact]
    public void Step03b_the_deployment_ended_with_the_failover_proof_and_verify_repeats_it()
    {
        var outputs = System.Text.Json.JsonDocument.Parse(Project.Check("output", "--json").Stdout).RootElement;
        var before = outputs.GetProperty("vipHolderBefore").GetString();
        var after = outputs.GetProperty("vipHolderAfter").GetString();
        Assert.NotEqual(before, after);
        Assert.InRange(int.Parse(outputs.GetProperty("vipMoveMs").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 0, 15_000);
        Assert.InRange(int.Parse(outputs.GetProperty("sqlRecoveryMs").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 0, 30_000);

        var verify = Project.Check("verify");
        // nopreempt: the VIP stayed where the deployment's proof moved it
        Assert.True(Regex.IsMatch(verify.Stdout.Replace("\r", "", StringComparison.Ordinal), $@"vipHolderBefore: {after}\n\s+vipHolderAfter: node\d"),
            $"the proof of up moved the VIP {before} -> {after}, then verify began elsewhere:\n{verify}\nagents:\n" +
            string.Join("\n", lab.Hosts.Select(h => $"{h.Name}: {h.Run("journalctl -u hastack-vrrpd --no-pager -o cat --since -10min | tail -15").Stdout}")));
        // afterwards: HAProxy runs everywhere again and exactly one host holds the VIP
        Assert.All(lab.Hosts, h => Assert.Equal("active", h.Check("systemctl is-active haproxy").Trim()));
        Assert.Single(lab.Hosts, h => h.Run($"ip -4 -o addr show dev eth0 | grep -qw {AgentLabVip}").ExitStatus == 0);
    }

    private const string AgentLabVip = "10.77.0.100";

    /// <summary>
    /// The fault matrix on the deployed stack, a writer through the VIP the whole time: each fault is injected and
    /// restored, no acknowledged write is lost, no write hangs, and every gap stays near its budget. The budgets
    /// themselves are checked by tests/bench/faults.py over many runs; here a loaded CI machine gets half again.
    /// </summary>
    [Fact]
    public void Step03c_the_fault_matrix_loses_no_write_and_keeps_every_gap_near_its_budget()
    {
        var run = Project.Run("verify", "--faults", "--json");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var faults = lines.Where(l => l.GetProperty("kind").GetString() == "fault").ToList();
        Console.WriteLine(string.Join('\n', faults.Select(f => f.ToString())));
        Assert.Equal(["layer-stop", "agent-kill", "pgbouncer-kill", "patroni-kill", "postmaster-kill", "switchover"],
            faults.Select(f => f.GetProperty("fault").GetString()));
        Assert.DoesNotContain(lines, l => l.GetProperty("kind").GetString() == "diagnostic" && l.GetProperty("message").GetString()!.Contains("lost", StringComparison.Ordinal)
            && l.GetProperty("severity").GetString() == "error");
        Assert.Contains(lines, l => l.GetProperty("kind").GetString() == "diagnostic" && l.GetProperty("message").GetString()!.Contains("no acknowledged write lost", StringComparison.Ordinal));
        foreach (var fault in faults)
        {
            var name = fault.GetProperty("fault").GetString();
            Assert.True(fault.GetProperty("recovered").GetBoolean(), $"{name}: writes did not resume\n{run}");
            Assert.True(fault.GetProperty("longestWriteMs").GetDouble() < 10_000, $"{name}: a write hung\n{fault}");
            Assert.True(fault.GetProperty("longestGapMs").GetDouble() <= fault.GetProperty("gapBudgetMs").GetDouble() * 1.5, $"{name}: gap far over budget\n{fault}");
        }
        // restored: every service HaStack runs is active again on every host, and one host holds the VIP
        foreach (var unit in new[] { "etcd", "patroni", "pgbouncer", "haproxy", "hastack-vrrpd" })
            Assert.All(lab.Hosts, h => Assert.Equal("active", h.Check($"systemctl is-active {unit}").Trim()));
        Assert.Single(lab.Hosts, h => h.Run($"ip -4 -o addr show dev eth0 | grep -qw {AgentLabVip}").ExitStatus == 0);
    }


    [Fact]
    public void Step04_a_second_up_reports_no_changes_and_restarts_nothing()
    {
        var before = StartTimes();
        var run = Project.Check("up", "--yes");
        Assert.Matches(@"Resources:\n\s+\d+ unchanged\n\nUpdating", run.Stdout);
        Assert.DoesNotMatch(@"^ (\+ |~ |- |\+-)", string.Join('\n', run.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("Updating", StringComparison.Ordinal))));
        Assert.Equal(before, StartTimes());
        Assert.Equal(0, Project.Run("preview", "--expect-no-changes").Exit);
    }

    /// <summary>
    /// The Pulumi program's proof: `hastack verify --from-engine` gets the stack as the Pulumi engine hands it over
    /// (no stack file secrets, no passphrase, no state) and the superuser password on standard input, proves the
    /// failover and prints the figures as a JSON "outputs" line; it records nothing and never shows the password.
    /// </summary>
    [Fact]
    public void Step04b_the_pulumi_programs_proof_runs_from_the_engines_configuration()
    {
        var config = EngineConfig.FromStackFile(File.ReadAllText(Project.StackFile));
        var password = Project.Secret("postgres-superuser");
        var input = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["project"] = "hastack", ["stack"] = Project.Stack, ["config"] = config, ["secretKeys"] = Array.Empty<string>(), ["superuserPassword"] = password,
        });
        var stateBefore = File.ReadAllText(Project.StatePath);
        var run = Project.RunWithInput(null, input, "verify", "--from-engine", "--json");
        Assert.True(run.Exit == 0, run.ToString());
        var outputs = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("kind").GetString() == "outputs").GetProperty("outputs");
        Assert.True(int.Parse(outputs.GetProperty("vipMoveMs").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.NotEqual(outputs.GetProperty("vipHolderBefore").GetString(), outputs.GetProperty("vipHolderAfter").GetString());
        Assert.DoesNotContain(password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal(stateBefore, File.ReadAllText(Project.StatePath));
    }

    [Fact]
    public void Step05_secrets_are_never_in_plaintext_in_state_logs_or_process_lists()
    {
        var stateText = File.ReadAllText(Project.StatePath);
        var state = System.Text.Json.JsonDocument.Parse(stateText).RootElement;
        var crypter = PassphraseCrypter.Open(state.GetProperty("encryptionSalt").GetString()!, EngineProject.Passphrase);
        var secrets = state.GetProperty("secrets").EnumerateObject().ToDictionary(p => p.Name, p => crypter.Decrypt(p.Value.GetString()!));
        // the generated passwords, and the cluster's CA and each host's certificate and key
        Assert.Equal(HaStack.Infra.Rendering.SecretNames.Generated.Order(StringComparer.Ordinal),
            secrets.Keys.Where(k => !k.StartsWith("tls-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(2 + 2 * lab.Hosts.Count, secrets.Keys.Count(k => k.StartsWith("tls-", StringComparison.Ordinal)));
        var passwords = secrets.Values.ToList();
        var logs = Directory.GetFiles(Path.Combine(Project.Directory.FullName, ".hastack", "logs")).Select(File.ReadAllText).ToList();
        Assert.NotEmpty(logs);
        var processLists = lab.Hosts.Select(h => h.Check("cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '")).ToList();
        foreach (var password in passwords)
        {
            Assert.DoesNotContain(password, stateText, StringComparison.Ordinal);
            Assert.All(logs, log => Assert.DoesNotContain(password, log, StringComparison.Ordinal));
            Assert.All(processLists, ps => Assert.DoesNotContain(password, ps, StringComparison.Ordinal));
        }
        // and the secret is really there, where it belongs: Patroni's config on the host, readable by root only
        Assert.Contains(secrets["postgres-superuser"], string.Concat(lab.Hosts.Select(h => h.Check("cat /etc/patroni/config.yml /etc/pgbouncer/userlist.txt"))), StringComparison.Ordinal);
        Assert.Equal("600 postgres", Node(1).Check("stat -c '%a %U' /etc/patroni/config.yml").Trim());
        // a host's private key: on that host only, readable by root only
        Assert.Equal(secrets[$"tls-key-{Node(1).Name}"].Trim(), Node(1).Check("cat /etc/hastack/tls/host.key").Trim());
        Assert.Equal("600 root", Node(1).Check("stat -c '%a %U' /etc/hastack/tls/host.key").Trim());
        var output = Project.Check("output");
        Assert.Contains("postgresPassword  [secret]", output.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Step06_a_concurrent_run_is_refused_by_the_lock()
    {
        // another run, as the kernel sees it: a process holding the exclusive flock, and the owner note a run writes
        var lockPath = Path.ChangeExtension(Project.StatePath, ".lock");
        using var holder = System.Diagnostics.Process.Start("flock", ["-x", lockPath, "sleep", "60"])!;
        File.WriteAllText(lockPath + ".owner", $$"""{"pid": {{holder.Id}}, "machine": "{{Environment.MachineName}}", "since": "2026-01-01T00:00:00Z", "command": "up"}""");
        try
        {
            (int Exit, string Stderr) run = (0, "");
            // flock(1) takes the lock a moment after it starts
            for (var i = 0; i < 50 && run.Exit != 1; i++)
            {
                // --expect-no-changes: a run that got in before flock(1) changes nothing
                var up = Project.Run("up", "--yes", "--expect-no-changes");
                run = (up.Exit, up.Stderr);
            }
            Assert.Equal(1, run.Exit);
            Assert.Contains($"is locked by `hastack up` (pid {holder.Id}", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // the holder died without releasing: the kernel let its lock go, the next run says so and needs no cleanup
        Thread.Sleep(500);
        var next = Project.Check("up", "--yes");
        Assert.Contains($"(pid {holder.Id}, since 2026-01-01 00:00:00Z) ended without finishing", next.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(lockPath + ".owner"));
    }

    [Fact]
    public void Step07_a_targeted_change_previews_exactly_its_resources_and_reloads_without_restarting()
    {
        File.AppendAllText(Project.StackFile, "  hastack:pgbouncer:\n    defaultPoolSize: 25\n");
        var preview = Project.Check("preview", "--diff");
        var changed = Regex.Matches(preview.Stdout, @"^ ~  \S+\s+(\S+)\s+update", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Equal(["node1:/etc/pgbouncer/pgbouncer.ini", "node1:pgbouncer", "node2:/etc/pgbouncer/pgbouncer.ini", "node2:pgbouncer",
            "node3:/etc/pgbouncer/pgbouncer.ini", "node3:pgbouncer", "vip-failover"], changed);
        Assert.Contains("+ default_pool_size = 25", preview.Stdout, StringComparison.Ordinal);
        Assert.Contains("- default_pool_size = 20", preview.Stdout, StringComparison.Ordinal);
        var pids = lab.Hosts.Select(h => h.Check("systemctl show -p MainPID --value pgbouncer").Trim()).ToList();
        // a client connected to PgBouncer across the change keeps its connection: a reload, not a restart
        using var client = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = Node(1).Address, Port = 6432, Username = "postgres", Password = Project.Secret("postgres-superuser"), Database = "postgres", Pooling = false,
        }.ConnectionString);
        // PgBouncer refuses logins for server_login_retry (15 s) after a failed one; seen once in CI, cause not found
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                client.Open();
                break;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "08P01" && attempt < 40)
            {
                Thread.Sleep(500);
            }
        }
        var backendBefore = new Npgsql.NpgsqlCommand("SELECT 1", client).ExecuteScalar();
        Project.Check("up", "--yes");
        Assert.Equal(backendBefore, new Npgsql.NpgsqlCommand("SELECT 1", client).ExecuteScalar());
        Assert.Equal(pids, lab.Hosts.Select(h => h.Check("systemctl show -p MainPID --value pgbouncer").Trim()));
        Assert.All(lab.Hosts, h => Assert.Contains("default_pool_size = 25", h.Check("cat /etc/pgbouncer/pgbouncer.ini"), StringComparison.Ordinal));
    }

    /// <summary>What Patroni keeps in etcd for the running cluster, asked of a host's REST API.</summary>
    private static System.Text.Json.JsonElement PatroniConfig(LabHost host) => System.Text.Json.JsonDocument.Parse(PatroniApi.Check(host, "/config")).RootElement;

    /// <summary>
    /// The stack is the truth for Patroni's dynamic configuration too: a PostgreSQL setting and Patroni's ttl, changed
    /// in the stack, are previewed setting by setting and reach every member (not only patroni.yml's bootstrap block,
    /// which a running cluster never reads again); a change made by hand is found by refresh and undone by up.
    /// </summary>
    [Fact]
    public void Step07b_a_postgresql_setting_and_patronis_ttl_reach_the_running_cluster_and_a_hand_change_is_repaired()
    {
        File.AppendAllText(Project.StackFile, "  hastack:postgres:\n    parameters:\n      work_mem: 8MB\n  hastack:patroni:\n    ttl: 25\n");
        var preview = Project.Check("preview", "--diff");
        Assert.Matches(@"(?m)^ ~  hastack:cluster:PatroniConfig\s+dynamic-configuration\s+update", preview.Stdout);
        Assert.Contains("settings[postgresql/parameters/work_mem]", preview.Stdout, StringComparison.Ordinal);
        Assert.Contains("settings.ttl", preview.Stdout, StringComparison.Ordinal);
        Project.Check("up", "--yes");
        Assert.Equal(25, PatroniConfig(Node(1)).GetProperty("ttl").GetInt32());
        // each member applies it on its next loop: a reload, as work_mem needs no restart
        AgentLab.WaitFor("work_mem 8MB on every member", () => lab.Hosts.All(h =>
            h.Run("runuser -u postgres -- psql -XAtc 'show work_mem'").Stdout.Trim() == "8MB"), TimeSpan.FromSeconds(30));

        Node(2).Check("patronictl -c /etc/patroni/config.yml edit-config --force -s ttl=40 >/dev/null");
        var refresh = Project.Check("refresh");
        Assert.Matches(@"dynamic-configuration\s+drifted: Patroni's configuration differs: ttl: 40 \(want 25\)", refresh.Stdout);
        Project.Check("up", "--yes");
        Assert.Equal(25, PatroniConfig(Node(3)).GetProperty("ttl").GetInt32());
        Assert.Equal(0, Project.Run("preview", "--expect-no-changes").Exit);
    }

    /// <summary>
    /// <c>status</c> reads every layer from the hosts and changes nothing: healthy on the deployed stack (exit 0), and
    /// with one replica's Patroni stopped, degraded (exit 1) with that member named; healthy again once it is back.
    /// </summary>
    [Fact]
    public void Step07c_status_shows_every_layer_and_names_a_stopped_replica()
    {
        JsonElement StatusOf(HastackRun run) =>
            JsonDocument.Parse(run.Stdout.Split('\n').Single(l => l.Contains("\"kind\":\"status\"", StringComparison.Ordinal))).RootElement;
        var healthy = Project.Run("status", "--json");
        Assert.True(healthy.Exit == 0, healthy.ToString());
        var status = StatusOf(healthy);
        Assert.True(status.GetProperty("healthy").GetBoolean());
        Assert.Equal(1, status.GetProperty("vipHolders").GetArrayLength());
        Assert.Equal(3, status.GetProperty("agents").GetArrayLength());
        Assert.Equal(3, status.GetProperty("members").GetArrayLength());
        Assert.Equal(3, status.GetProperty("etcdMembers").EnumerateArray().Count(m => m.GetProperty("healthy").GetBoolean()));
        Assert.Equal(3, status.GetProperty("proxyServers").EnumerateArray().Count(s => s.GetProperty("listener").GetString() == "writes" && s.GetProperty("isUp").GetBoolean()));
        Assert.True(status.GetProperty("lastProof").TryGetProperty("vipMoveMs", out _));
        Assert.Matches(@"(?m)^Stack \S+: healthy", Project.Check("status").Stdout);

        // a replica: "replica", or (Patroni 4's quorum commit, Debian 13) "quorum_standby"
        var replica = status.GetProperty("members").EnumerateArray().First(m => !HaStack.Deploy.Verification.PatroniRoles.IsLeader(m.GetProperty("role").GetString()!)).GetProperty("name").GetString()!;
        var host = lab.Hosts.Single(h => h.Name == replica);
        host.Check("systemctl stop patroni");
        try
        {
            var degraded = Project.Run("status");
            Assert.True(degraded.Exit == 1, degraded.ToString());
            Assert.Matches($@"(?m)^Stack \S+: DEGRADED", degraded.Stdout);
            Assert.Matches($@"(?m)^\s+- {replica} (\(\w+\) is stopped|is not a Patroni member)", degraded.Stdout);
        }
        finally
        {
            host.Check("systemctl start patroni");
        }
        AgentLab.WaitFor("status healthy again", () => Project.Run("status").Exit == 0, TimeSpan.FromSeconds(90));
    }

    /// <summary>
    /// A setting PostgreSQL takes only at a restart (max_connections) beside one it takes with a reload: the preview
    /// says the members restart in turn; up restarts them one at a time (replicas, then a switchover and the old
    /// primary) under a client writing through the VIP, which loses no acknowledged write; no member is left waiting.
    /// </summary>
    [Fact]
    public void Step07d_a_setting_that_needs_a_restart_rolls_over_the_members_under_a_writer()
    {
        var text = File.ReadAllText(Project.StackFile);
        Assert.Contains("      work_mem: 8MB\n", text, StringComparison.Ordinal);
        File.WriteAllText(Project.StackFile, text.Replace("      work_mem: 8MB\n", "      work_mem: 8MB\n      max_connections: 120\n      maintenance_work_mem: 96MB\n", StringComparison.Ordinal));
        var preview = Project.Check("preview");
        Assert.Matches(@"(?m)^ ~  hastack:cluster:PatroniConfig\s+dynamic-configuration\s+update", preview.Stdout);
        Assert.Matches(@"(?m)^ ~  hastack:cluster:RollingRestart\s+postgresql\s+update.*max_connections take\(s\) effect only at a restart", preview.Stdout);
        var planned = Project.Check("preview", "--json").Stdout;
        Assert.Contains("\"type\":\"hastack:cluster:RollingRestart\"", planned, StringComparison.Ordinal);

        using var writer = new HaStack.Deploy.Verification.VipWriter(AgentLab.Vip, 5000, Project.Secret("postgres-superuser"), TimeSpan.FromMilliseconds(10));
        AgentLab.WaitFor("writes flowing", () => writer.Log.AcknowledgedSince(TimeSpan.Zero) >= 20, TimeSpan.FromSeconds(30));
        var from = writer.Clock.Elapsed;
        var up = Project.Check("up", "--yes");
        var to = writer.Clock.Elapsed;
        writer.Stop(TimeSpan.FromSeconds(35));
        var figures = writer.Log.Window(from, to);
        Console.WriteLine($"rolling restart of 3 members: up took {(to - from).TotalSeconds:0.0} s; through the VIP {figures.FailedWrites} failed write(s), " +
                          $"longest gap {figures.LongestGap.TotalSeconds:0.00} s, longest write {figures.LongestWrite.TotalSeconds:0.00} s");
        Assert.Matches(@"restarting PostgreSQL on node\d", up.Stdout + up.Stderr);
        Assert.Empty(writer.Lost());
        Assert.True(figures.LongestWrite < TimeSpan.FromSeconds(10), $"a write hung {figures.LongestWrite.TotalSeconds:0.0} s ({figures.LongestWriteError})");
        foreach (var host in lab.Hosts)
        {
            Assert.Equal("120", host.Check("cd / && runuser -u postgres -- psql -XAtc 'show max_connections'").Trim());
            Assert.Equal("96MB", host.Check("cd / && runuser -u postgres -- psql -XAtc 'show maintenance_work_mem'").Trim());
        }
        var cluster = System.Text.Json.JsonDocument.Parse(PatroniApi.Check(Node(1), "/cluster")).RootElement;
        Assert.DoesNotContain(cluster.GetProperty("members").EnumerateArray(), m => m.TryGetProperty("pending_restart", out var p) && p.GetBoolean());
        Assert.Equal(0, Project.Run("preview", "--expect-no-changes").Exit);
    }

    /// <summary>
    /// The stack is the truth for users: a user added logs in through the VIP; a new password in the stack file (a
    /// rotated secret, the inputs unchanged) is previewed and applied, the old one refused; a user removed from the
    /// stack keeps its role but can no longer log in.
    /// </summary>
    [Fact]
    public void Step07e_a_users_password_rotates_through_the_stack_and_a_removed_user_can_no_longer_log_in()
    {
        var (salt, crypter) = PassphraseCrypter.Create(EngineProject.Passphrase);
        var original = File.ReadAllText(Project.StackFile);
        Assert.Contains("  hastack:postgres:\n", original, StringComparison.Ordinal);
        void WithApp(string password) => File.WriteAllText(Project.StackFile, $"encryptionsalt: {salt}\n" + original.Replace("  hastack:postgres:\n",
            $"  hastack:postgres:\n    users:\n      - name: app\n        password:\n          secure: {crypter.Encrypt(password)}\n", StringComparison.Ordinal));
        string? LoginError(string password)
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder
            {
                Host = AgentLab.Vip, Port = 5000, Username = "app", Password = password, Database = "postgres", Pooling = false, Timeout = 10,
            };
            try
            {
                using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
                connection.Open();
                using var query = new Npgsql.NpgsqlCommand("SELECT current_user", connection);
                Assert.Equal("app", query.ExecuteScalar());
                return null;
            }
            catch (Npgsql.PostgresException e)
            {
                return $"{e.SqlState}: {e.MessageText}";
            }
        }

        WithApp("first-Pw1");
        Project.Check("up", "--yes");
        Assert.Null(LoginError("first-Pw1"));

        WithApp("second-Pw2");
        var preview = Project.Check("preview");
        Assert.Matches(@"roles-and-databases\s+update \[diff: secret \S+ changed\]", preview.Stdout);
        Project.Check("up", "--yes");
        Assert.Null(LoginError("second-Pw2"));
        Assert.NotNull(LoginError("first-Pw1"));

        File.WriteAllText(Project.StackFile, original);
        Project.Check("up", "--yes");
        Assert.NotNull(LoginError("second-Pw2"));
        Assert.Equal("f", Node(1).Check("cd / && runuser -u postgres -- psql -XAtc \"SELECT rolcanlogin FROM pg_roles WHERE rolname = 'app'\"").Trim());
        Assert.Equal(0, Project.Run("preview", "--expect-no-changes").Exit);
    }

    [Fact]
    public void Step08_refresh_finds_a_hand_edit_and_a_stopped_service_and_up_repairs_both()
    {
        var original = Node(2).Check("sha256sum /etc/haproxy/haproxy.cfg");
        Node(2).Check("echo '# edited by hand' >> /etc/haproxy/haproxy.cfg");
        Node(3).Check("systemctl stop pgbouncer");
        var refresh = Project.Check("refresh");
        Assert.Matches(@"node2:/etc/haproxy/haproxy.cfg\s+drifted: the file was changed on the host", refresh.Stdout);
        Assert.Matches(@"node3:pgbouncer\s+drifted: the service is inactive, not active", refresh.Stdout);
        var up = Project.Check("up", "--yes");
        Assert.Matches(@"node2:/etc/haproxy/haproxy.cfg\s+updated", up.Stdout);
        Assert.Equal(original, Node(2).Check("sha256sum /etc/haproxy/haproxy.cfg"));
        Assert.Equal("active", Node(3).Check("systemctl is-active pgbouncer").Trim());
        Assert.Equal(0, Project.Run("preview", "--expect-no-changes").Exit);
    }

    [Fact]
    public void Step09_a_non_root_user_with_sudo_reads_and_applies_the_same_stack()
    {
        using var asDeploy = new EngineProject(Project.Stack);
        File.WriteAllText(asDeploy.StackFile, File.ReadAllText(Project.StackFile).Replace("    user: root\n", "    user: deploy\n    sudo: true\n", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.GetDirectoryName(asDeploy.StatePath)!);
        File.Copy(Project.StatePath, asDeploy.StatePath);
        // refresh reads root-only files (Patroni's config is 0600): through sudo -n, or it would report drift
        var refresh = asDeploy.Check("refresh");
        Assert.Matches(@"Resources:\n\s+\d+ unchanged", refresh.Stdout);
        Assert.Equal(0, asDeploy.Run("up", "--yes", "--expect-no-changes").Exit);
    }

    [Fact]
    public void Step10_destroy_removes_what_it_started_and_wrote_and_keeps_the_data_unless_purged()
    {
        Project.Check("destroy", "--yes");
        foreach (var host in lab.Hosts)
        {
            Assert.All(host.Run($"systemctl is-active {Services}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), s => Assert.NotEqual("active", s));
            Assert.Equal("gone", host.Check("test -e /etc/patroni/config.yml || test -e /etc/hastack-vrrpd/keepalived.conf || echo gone").Trim());
            Assert.Equal("kept", host.Check($"test -d /var/lib/postgresql/{lab.Release.PostgresVersion}/main && echo kept").Trim());
        }
        Assert.Contains("No output values", Project.Check("output").Stdout, StringComparison.Ordinal);
        // up again on the kept data, then destroy for good
        Project.Check("up", "--yes");
        Assert.Equal("active", Node(1).Check("systemctl is-active patroni").Trim());
        Project.Check("destroy", "--yes", "--purge-data");
        Assert.All(lab.Hosts, h => Assert.Equal("purged", h.Check($"test -e /var/lib/postgresql/{lab.Release.PostgresVersion}/main || test -e /var/lib/etcd/hastack-lab || echo purged").Trim()));
    }
}
