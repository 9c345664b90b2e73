using System.Diagnostics;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;
using HaStack.Lab.Tests.Agent;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

/// <summary>The files HaStack renders, accepted by the real programs that read them, on real lab hosts.</summary>
[Collection(LabTestGroup.Name)]
public class RenderedConfigTests(LabFixture fixture)
{
    private readonly LabEnvironment lab = fixture.Lab;
    private LabStackFiles Files => files ??= new LabStackFiles(lab);
    private LabStackFiles? files;

    [Fact]
    public void Install_guards_keep_the_packages_from_creating_or_starting_anything()
    {
        var host = lab.Hosts[^1];
        _ = Files;
        Assert.Equal("", host.Check("pg_lsclusters -h").Trim());
        Assert.Equal("no", host.Check($"test -e {HaStack.Infra.Catalogue.Components.PostgresDataDirectory(Files.Plan.Config)} && echo yes || echo no").Trim());
        foreach (var unit in new[] { "etcd", "pgbouncer", "patroni" })
            Assert.NotEqual("active", host.Run($"systemctl is-active {unit}").Stdout.Trim());
        // the guard stops starts, not stops: removing a package must still stop its service
        Assert.Equal(101, host.Run("/usr/sbin/policy-rc.d etcd.service start").ExitStatus);
        Assert.Equal(0, host.Run("/usr/sbin/policy-rc.d etcd.service stop").ExitStatus);
        Assert.Equal(0, host.Run("/usr/sbin/policy-rc.d ssh start").ExitStatus);
    }

    private const string JoinDropIn = "/etc/systemd/system/etcd.service.d/40-hastack-join.conf";

    [Fact]
    public void The_rendered_etcd_settings_form_a_healthy_cluster_and_patroni_validates_against_it()
    {
        try
        {
            // the files and the start HaStack gives each member: with no other member answering, they start a new cluster together
            _ = Files; // one rendering, so one test CA, before the hosts take their certificates from it in parallel
            Parallel.ForEach(lab.Hosts, host =>
            {
                Files.PutTls(host);
                LabStackFiles.Put(host, "/etc/default/etcd", Files.Content(host.Name, "/etc/default/etcd"));
                LabStackFiles.Put(host, JoinDropIn, Files.Content(host.Name, JoinDropIn));
                host.Check($"systemctl stop etcd; rm -rf /var/lib/etcd/hastack-lab {HaStack.Infra.Catalogue.Components.EtcdJoinEnvironmentPath}");
                var etcd = (HaStack.Infra.Graph.ServiceInputs)Files.Plan.Graph[$"hastack:host:Service::{host.Name}:etcd"].Spec;
                var start = HaStack.Infra.Operations.HostOperations.StartService(etcd, HaStack.Infra.Graph.ServiceEffect.Restart);
                host.Check(start.CommandLine(sudo: false), timeout: TimeSpan.FromSeconds(start.TimeoutSeconds));
                Assert.Contains("ETCD_INITIAL_CLUSTER_STATE=new", host.Check($"cat {HaStack.Infra.Catalogue.Components.EtcdJoinEnvironmentPath}"), StringComparison.Ordinal);
            });
            var endpoints = string.Join(",", lab.Hosts.Select(h => $"https://{h.Address}:2379"));
            var etcdctl = HaStack.Infra.Operations.HostOperations.EtcdctlVariables(tls: true) + " etcdctl";
            var health = Eventually(() => lab.Hosts[0].Run($"{etcdctl} --endpoints={endpoints} endpoint health"), TimeSpan.FromSeconds(30));
            // etcdctl 3.4 reports health on standard error
            Assert.Equal(3, (health.Stdout + health.Stderr).Split('\n').Count(l => l.Contains("is healthy", StringComparison.Ordinal)));
            var members = lab.Hosts[0].Check($"{etcdctl} --endpoints=https://127.0.0.1:2379 member list");
            Assert.All(lab.Hosts, h => Assert.Contains($", {h.Name}, https://{h.Address}:2380,", members, StringComparison.Ordinal));
            // a client without a certificate of the cluster's CA gets nothing: not over TLS, not in plaintext
            var anonymous = lab.Hosts[0].Run($"ETCDCTL_API=3 ETCDCTL_CACERT={HaStack.Infra.Catalogue.Components.TlsCaPath} etcdctl --endpoints=https://{lab.Hosts[1].Address}:2379 --command-timeout=3s put /hastack-test x");
            Assert.NotEqual(0, anonymous.ExitStatus);
            var plaintext = lab.Hosts[0].Run($"ETCDCTL_API=3 etcdctl --endpoints=http://{lab.Hosts[1].Address}:2379 --dial-timeout=2s --command-timeout=3s get /hastack-test");
            Assert.NotEqual(0, plaintext.ExitStatus);

            var node = lab.Hosts[^1];
            LabStackFiles.Put(node, "/tmp/hastack-check/patroni.yml", Files.Content(node.Name, "/etc/patroni/config.yml"));
            var validated = node.Run("patroni --validate-config /tmp/hastack-check/patroni.yml");
            // Patroni 4.0.7's validator still wants a boolean there, while Patroni 4 itself runs `quorum` (the lab
            // tests' deployments do: their members report quorum_standby); that one line is its known false alarm
            var complaints = (validated.Stdout + validated.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !(Files.Plan.Config.Release.PatroniQuorumCommit && l == "bootstrap.dcs.synchronous_mode quorum is not a boolean")).ToList();
            Assert.True(complaints.Count == 0 && (validated.ExitStatus == 0 || Files.Plan.Config.Release.PatroniQuorumCommit), validated.ToString());
        }
        finally
        {
            Parallel.ForEach(lab.Hosts, host => host.Run($"systemctl stop etcd; rm -rf /var/lib/etcd/hastack-lab {HaStack.Infra.Catalogue.Components.EtcdJoinEnvironmentPath} {JoinDropIn} {HaStack.Infra.Catalogue.Components.TlsDirectory}; systemctl daemon-reload"));
        }
    }

    [Fact]
    public void Haproxy_accepts_the_rendered_config()
    {
        var node = lab.Hosts[^1];
        Files.PutTls(node); // its checks trust the cluster's CA: HAProxy loads the file when it reads the config
        // the config loads HaStack's Lua task by its path: both files beside each other here, so HAProxy compiles and
        // runs the task's script too
        const string lua = "/tmp/hastack-check/hastack-end-sessions.lua";
        LabStackFiles.Put(node, lua, Files.Content(node.Name, Components.HaproxyEndSessionsPath));
        var config = Files.Content(node.Name, "/etc/haproxy/haproxy.cfg");
        Assert.Contains($"lua-load {Components.HaproxyEndSessionsPath}\n", config, StringComparison.Ordinal);
        LabStackFiles.Put(node, "/tmp/hastack-check/haproxy.cfg", config.Replace($"lua-load {Components.HaproxyEndSessionsPath}\n", $"lua-load {lua}\n", StringComparison.Ordinal));
        var result = node.Run("haproxy -c -f /tmp/hastack-check/haproxy.cfg");
        Assert.True(result.ExitStatus == 0, result.ToString());
        Assert.DoesNotContain("WARNING", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Pgbouncer_runs_with_the_rendered_ini_on_loopback()
    {
        var node = lab.Hosts[^1];
        const string dir = "/tmp/hastack-pgbouncer";
        // the rendered file as is, but for where it listens, logs and keeps its pid: a brief run on loopback only
        var ini = string.Join('\n', Files.Content(node.Name, "/etc/pgbouncer/pgbouncer.ini").Split('\n').Select(line => line.Split(" = ")[0] switch
        {
            "listen_addr" => "listen_addr = 127.0.0.1",
            "listen_port" => "listen_port = 16432",
            "logfile" => $"logfile = {dir}/pgbouncer.log",
            "pidfile" => $"pidfile = {dir}/pgbouncer.pid",
            "auth_file" => $"auth_file = {dir}/userlist.txt",
            _ => line,
        }));
        LabStackFiles.Put(node, $"{dir}/pgbouncer.ini", ini);
        LabStackFiles.Put(node, $"{dir}/userlist.txt", Files.Content(node.Name, "/etc/pgbouncer/userlist.txt"));
        Files.PutTls(node); // it serves clients over TLS with the host's certificate and its own copy of the key
        try
        {
            node.Check($"chown -R postgres {dir} && cd {dir} && runuser -u postgres -- pgbouncer -d pgbouncer.ini");
            Eventually(() => node.Run("ss -ltnH 'sport = :16432' | grep -q 127.0.0.1:16432"), TimeSpan.FromSeconds(5));
            var log = node.Check($"cat {dir}/pgbouncer.log");
            Assert.Contains("process up: PgBouncer", log, StringComparison.Ordinal);
            Assert.DoesNotContain("WARNING", log, StringComparison.Ordinal);
            Assert.DoesNotContain("ERROR", log, StringComparison.Ordinal);
        }
        finally
        {
            node.Run($"test -f {dir}/pgbouncer.pid && kill $(cat {dir}/pgbouncer.pid)");
        }
    }

    [Fact]
    public void The_agent_accepts_every_rendered_agent_config()
    {
        AgentLab.EnsurePublished();
        var dir = Directory.CreateTempSubdirectory("hastack-agent-check");
        try
        {
            foreach (var file in Files.Plan.Files.Where(f => f.Path == HaStack.Infra.Catalogue.Components.AgentConfigPath))
            {
                var path = Path.Combine(dir.FullName, $"{file.Host}.conf");
                File.WriteAllText(path, Files.Content(file.Host, file.Path));
                using var check = Process.Start(new ProcessStartInfo(AgentLab.BinaryPath, ["check-config", path])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                var output = check.StandardOutput.ReadToEnd() + check.StandardError.ReadToEnd();
                check.WaitForExit();
                Assert.True(check.ExitCode == 0, $"{file.Host}: {output}");
                Assert.Contains("ok: 1 instance(s), 0 warning(s)", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // The lab release's Patroni itself (3.0.2 or 4.0.7), on a lab host: an etcd error in the leader key's renewal (not
    // a lost connection) makes the packaged renewal report the lock lost (Patroni then demotes at once, whatever
    // failsafe mode says); through HaStack's launcher the same error is a DCS error, which failsafe mode handles
    [Fact]
    public void The_patroni_launcher_makes_an_etcd_error_in_the_leader_renewal_a_dcs_error_not_a_lost_lock()
    {
        var host = lab.Hosts[^1];
        LabStackFiles.Put(host, "/tmp/hastack-check/safe-leader.py", Files.Content(host.Name, HaStack.Infra.Catalogue.Components.PatroniSafeLeaderPath));
        const string probe = """
            import importlib.util, etcd
            from patroni.dcs import etcd3
            from patroni.exceptions import DCSError
            from patroni.utils import Retry
            from patroni.version import __version__ as version

            def renewal():
                dcs = object.__new__(etcd3.Etcd3)
                dcs._has_failed, dcs._lease = True, 7
                dcs._retry = Retry(deadline=2, max_delay=1, max_tries=1, retry_exceptions=())
                def refresh(*args, **kwargs):
                    raise etcd.EtcdException('a reply cut short')
                dcs._do_refresh_lease = refresh
                try:
                    # Patroni 4 passes the leader it saw; the injected error comes before it is read
                    return repr(etcd3.Etcd3._update_leader(dcs, *([None] if version.startswith('4.') else [])))
                except DCSError:
                    return 'DCSError'

            packaged = renewal()
            spec = importlib.util.spec_from_file_location('launcher', '/tmp/hastack-check/safe-leader.py')
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
            print(f'packaged={packaged} launched={renewal()}')
            """;
        var result = host.Check("python3 - 2>/dev/null", stdin: probe); // its log lines go to standard error
        Assert.Equal("packaged=False launched=DCSError", result.Trim());
    }

    /// <summary>Retries until the command exits 0, at most for the given time (bounded, as every lab wait).</summary>
    private static CommandResult Eventually(Func<CommandResult> attempt, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var result = attempt();
            if (result.ExitStatus == 0 || DateTime.UtcNow > deadline)
                return result.ExitStatus == 0 ? result : throw new Xunit.Sdk.XunitException($"not within {limit.TotalSeconds} s: {result}");
            Thread.Sleep(250);
        }
    }
}
