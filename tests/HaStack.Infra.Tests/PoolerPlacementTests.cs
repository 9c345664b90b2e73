using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;

namespace HaStack.Infra.Tests;

/// <summary>
/// pgbouncer.placement: proxy puts PgBouncer on the proxy hosts, in front of HAProxy: client, VIP, PgBouncer,
/// HAProxy, the primary. Every file that takes part follows, and what cannot work together is refused.
/// </summary>
public class PoolerPlacementTests
{
    /// <summary>The five-host reference topology (three database hosts, two proxies) with the pooler moved to the proxies.</summary>
    private static StackPlan FiveWithPoolerOnProxies(string layer = "haproxy") => StackPipeline.Plan(TestStacks.Valid("""
        config:
          hastack:hosts:
            - { name: db1, address: 10.77.0.11, roles: [etcd, db] }
            - { name: db2, address: 10.77.0.12, roles: [etcd, db] }
            - { name: db3, address: 10.77.0.13, roles: [etcd, db] }
            - { name: proxy1, address: 10.77.0.14, roles: [proxy] }
            - { name: proxy2, address: 10.77.0.15, roles: [proxy] }
          hastack:vip:
            address: 10.77.0.101/24
            floatsOver: LAYER
          hastack:pgbouncer:
            placement: proxy
        """.Replace("LAYER", layer, StringComparison.Ordinal)));

    private static string File(StackPlan plan, string host, string path) => plan.Files.Single(f => f.Host == host && f.Path == path).Content;

    [Fact]
    public void PgBouncer_moves_to_the_proxies_and_sends_everything_to_its_own_HAProxys_write_port()
    {
        var plan = FiveWithPoolerOnProxies();
        Assert.DoesNotContain(plan.Files, f => f.Host == "db1" && f.Path.StartsWith("/etc/pgbouncer/", StringComparison.Ordinal));
        Assert.Contains(plan.Files, f => f.Host == "proxy1" && f.Path == Components.PgBouncerUserlistPath);
        var ini = File(plan, "proxy1", "/etc/pgbouncer/pgbouncer.ini");
        Assert.Contains("* = host=127.0.0.1 port=5000\n", ini, StringComparison.Ordinal);
        Assert.DoesNotContain("host=/var/run/postgresql", ini, StringComparison.Ordinal);
        // over TLS to PostgreSQL (through HAProxy: any database host may answer, so the CA is checked, not the name)
        Assert.Contains("server_tls_sslmode = verify-ca\n", ini, StringComparison.Ordinal);
        Assert.Contains("client_tls_key_file = /etc/hastack/tls/pgbouncer.key\n", ini, StringComparison.Ordinal);
        Assert.Contains(plan.Files, f => f.Host == "proxy1" && f.Path == Components.PgBouncerKeyPath && f.Owner == "postgres");
        Assert.DoesNotContain(plan.Files, f => f.Host == "proxy1" && f.Path == Components.PatroniKeyPath);
        // psql comes along for the admin console a switchover pauses it through
        Assert.Contains("postgresql-client-15", plan.Topology.Hosts.Single(h => h.Name == "proxy1").Packages(plan.Config));
        Assert.DoesNotContain(plan.Topology.Hosts.Single(h => h.Name == "db1").Packages(plan.Config), p => p.StartsWith("pgbouncer", StringComparison.Ordinal));
    }

    [Fact]
    public void HAProxy_goes_straight_to_PostgreSQL_and_PostgreSQL_lets_the_proxies_in()
    {
        var plan = FiveWithPoolerOnProxies();
        var haproxy = File(plan, "proxy2", "/etc/haproxy/haproxy.cfg");
        foreach (var db in new[] { "db1 10.77.0.11", "db2 10.77.0.12", "db3 10.77.0.13" })
            Assert.Equal(2, haproxy.Split('\n').Count(l => l.Trim() == $"server {db}:5432 check"));
        Assert.DoesNotContain("6432", haproxy, StringComparison.Ordinal);
        var patroni = File(plan, "db1", "/etc/patroni/config.yml");
        Assert.Contains("- hostssl all all 10.77.0.14/32 scram-sha-256", patroni, StringComparison.Ordinal);
        Assert.Contains("- hostssl all all 10.77.0.15/32 scram-sha-256", patroni, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("haproxy")]
    [InlineData("pgbouncer")]
    public void The_VIP_follows_both_PgBouncer_and_HAProxy_whichever_layer_it_is_said_to_float_over(string layer)
    {
        var plan = FiveWithPoolerOnProxies(layer);
        Assert.Equal(["proxy1", "proxy2"], plan.Config.VipHosts.Select(h => h.Name));
        Assert.Equal((6432, 5001), plan.Topology.ClientPorts);
        var check = File(plan, "proxy1", Components.AgentCheckScriptPath);
        Assert.Contains("exec 3<>/dev/tcp/127.0.0.1/6432 || exit 1", check, StringComparison.Ordinal);
        Assert.Contains("exec 3<>/dev/tcp/127.0.0.1/5000 || exit 1", check, StringComparison.Ordinal);
        var agent = File(plan, "proxy1", Components.AgentConfigPath);
        Assert.Contains("process pgbouncer", agent, StringComparison.Ordinal);
        Assert.Contains("process haproxy", agent, StringComparison.Ordinal);
        // the agent starts after both, so it never claims the VIP before the path behind it is there
        var agentService = plan.Graph.Resources.Single(r => r.Id.EndsWith("proxy1:hastack-vrrpd", StringComparison.Ordinal));
        Assert.Contains(agentService.DependsOn, d => d.EndsWith("proxy1:pgbouncer", StringComparison.Ordinal));
        Assert.Contains(agentService.DependsOn, d => d.EndsWith("proxy1:haproxy", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_placement_is_beside_PostgreSQL_as_before()
    {
        var plan = StackPipeline.Plan(TestStacks.LoadFile("five").Config!);
        Assert.Equal(PoolerPlacement.Database, plan.Config.PgBouncer.Placement);
        Assert.Equal((5000, 5001), plan.Topology.ClientPorts);
        Assert.Equal(6432, plan.Topology.BackendPort);
        Assert.DoesNotContain(plan.Files, f => f.Host == "proxy1" && f.Path.StartsWith("/etc/pgbouncer/", StringComparison.Ordinal));
    }
}
