using HaStack.Infra.Ssh;
using HaStack.Lab.Tests.Lab;
using Renci.SshNet.Common;

namespace HaStack.Lab.Tests;

/// <summary>The lab's promise: real Debian hosts, reachable by SSH, on a bridge that nothing leaves.</summary>
[Collection(LabTestGroup.Name)]
public class LabHostsTests(LabFixture fixture)
{
    private readonly LabEnvironment lab = fixture.Lab;

    // Units that may fail in a container for reasons outside the lab's control, with why.
    private static readonly Dictionary<string, string> UnderstoodFailures = new()
    {
        ["systemd-remount-fs.service"] = "the root is an overlay mounted by the host; there is nothing to remount",
        ["sys-kernel-config.mount"] = "configfs is not available in a container",
    };

    [Fact]
    public void Every_host_answers_ssh_as_root_with_the_host_key_in_known_hosts()
    {
        Assert.True(lab.Hosts.Count >= 3, $"expected at least 3 lab hosts, found {lab.Hosts.Count}");
        foreach (var host in lab.Hosts)
            Assert.Equal($"{host.Name} root", host.Check("echo \"$(hostname) $(id -un)\"").Trim());
    }

    [Fact]
    public void Every_host_has_a_deploy_user_with_passwordless_sudo()
    {
        foreach (var host in lab.Hosts)
        {
            Assert.Equal("deploy", host.Check("id -un", user: "deploy").Trim());
            Assert.Equal("0", host.Check("sudo -n id -u", user: "deploy").Trim());
        }
    }

    [Fact]
    public void A_host_key_that_known_hosts_does_not_list_is_refused()
    {
        var node1 = lab.Hosts[0];
        var node2Key = lab.KnownHosts.KeysFor(lab.Hosts[1].Address)[0];
        var wrongPin = KnownHosts.Parse($"{node1.Address} {node2Key.KeyType} {Convert.ToBase64String(node2Key.Key)}\n");
        var impostor = new LabHost(node1.Name, node1.Address, (h, p, t, k) => wrongPin.Trusts(h, p, t, k));
        Assert.Throws<SshConnectionException>(() => impostor.Connect().Dispose());
    }

    [Fact]
    public void Systemd_is_running_or_degraded_only_for_understood_reasons()
    {
        foreach (var host in lab.Hosts)
        {
            var state = host.Run("systemctl is-system-running --wait", timeout: TimeSpan.FromSeconds(60)).Stdout.Trim();
            Assert.Contains(state, new[] { "running", "degraded" });
            var failed = host.Check("systemctl list-units --failed --plain --no-legend | awk '{print $1}'")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var unexplained = failed.Where(unit => !UnderstoodFailures.ContainsKey(unit)).ToList();
            Assert.True(unexplained.Count == 0, $"{host}: failed units nobody explained: {string.Join(", ", unexplained)}");
        }
    }

    [Fact]
    public void Hosts_reach_each_other()
    {
        foreach (var from in lab.Hosts)
        {
            foreach (var to in lab.Hosts.Where(h => h != from))
                from.Check($"ping -c 1 -W 2 {to.Address} >/dev/null && ping -c 1 -W 2 {to.Name} >/dev/null");
        }
    }

    [Fact]
    public void Vrrp_multicast_from_one_host_reaches_every_other_host_with_ttl_255()
    {
        var script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scripts", "multicast_probe.py"));
        var sender = lab.Hosts[0];
        var marker = $"hastack-{Guid.NewGuid():N}";
        var receivers = lab.Hosts.Skip(1)
            .Select(h => (Host: h, Command: h.Start($"python3 - recv {h.Address} {marker} 8", stdin: script)))
            .ToList();
        try
        {
            sender.Check($"python3 - send {sender.Address} {marker} 15", stdin: script);
            foreach (var (host, command) in receivers)
            {
                var result = command.Wait();
                Assert.True(result.ExitStatus == 0, $"{host} did not receive the multicast packet: {result}");
                Assert.Equal($"from {sender.Address} ttl 255", result.Stdout.Trim());
            }
        }
        finally
        {
            foreach (var (_, command) in receivers)
                command.Dispose();
        }
    }

    [Fact]
    public void Nothing_outside_the_lab_subnet_is_routable_from_a_host()
    {
        foreach (var host in lab.Hosts)
        {
            var routes = host.Check("ip -4 route show table main").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(routes, route => Assert.StartsWith("10.77.0.0/24 ", route, StringComparison.Ordinal));
            // a route lookup only: no packet leaves
            var lookup = host.Run("ip -4 route get 192.0.2.1");
            Assert.NotEqual(0, lookup.ExitStatus);
            Assert.Contains("unreachable", lookup.Stderr, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal("0", File.ReadAllText("/proc/sys/net/ipv4/conf/hslab0/forwarding").Trim());
    }

    [Fact]
    public void The_servers_packages_install_from_the_hosts_own_apt_without_network()
    {
        var servers = $"postgresql-{lab.Release.PostgresVersion} patroni etcd-server etcd-client haproxy pgbouncer keepalived python3-psycopg2 python3-etcd";
        var host = lab.Hosts[^1];
        foreach (var recommends in new[] { "--no-install-recommends", "" })
            host.Check($"apt-get install -q -y --download-only --no-download {recommends} {servers}");
        // the control: a package the base did not download cannot be installed offline
        Assert.NotEqual(0, host.Run("apt-get install -q -y --download-only --no-download nginx-light").ExitStatus);
        // in the base every host starts from (deployment tests install it on the hosts themselves)
        var baseDpkg = Path.Combine(Environment.GetEnvironmentVariable("HASTACK_LAB_VAR") ?? "/var/lib/hastack-lab", $"base-debian{lab.Release.Number}", "var", "lib", "dpkg");
        Assert.Equal("not-installed", HaStack.Lab.Tests.Agent.AgentLab.HostSide(
            $"dpkg-query --admindir={baseDpkg} -W -f '${{db:Status-Status}}' patroni 2>/dev/null || echo not-installed").Trim());
    }
}
