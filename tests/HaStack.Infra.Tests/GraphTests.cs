using HaStack.Infra.Graph;

namespace HaStack.Infra.Tests;

public class GraphTests
{
    private static ResourceGraph GraphOf(string stackText) => StackPipeline.Plan(TestStacks.Valid(stackText)).Graph;

    [Fact]
    public void Every_resource_comes_after_all_it_depends_on()
    {
        var graph = StackPipeline.Plan(TestStacks.LoadFile("five").Config!).Graph;
        var seen = new HashSet<string>();
        foreach (var resource in graph.Resources)
        {
            Assert.All(resource.DependsOn, d => Assert.Contains(d, seen));
            Assert.True(seen.Add(resource.Id), $"{resource.Id} twice");
        }
    }

    [Fact]
    public void Patroni_waits_for_every_etcd_member_and_the_agent_for_its_proxy()
    {
        var graph = GraphOf(TestStacks.Minimal);
        var patroni = graph[$"{ResourceTypes.Service}::node2:patroni"];
        Assert.All(new[] { "node1", "node2", "node3" }, n => Assert.Contains($"{ResourceTypes.Service}::{n}:etcd", patroni.DependsOn));
        var agent = graph[$"{ResourceTypes.Service}::node1:hastack-vrrpd"];
        Assert.Contains($"{ResourceTypes.Service}::node1:haproxy", agent.DependsOn);
        var packages = graph[$"{ResourceTypes.Packages}::node1"];
        Assert.Contains($"{ResourceTypes.File}::node1:/usr/sbin/policy-rc.d", packages.DependsOn);
        Assert.Equal(["etcd-server", "etcd-client", "postgresql-15", "patroni", "python3-psycopg2", "python3-etcd", "pgbouncer", "haproxy"], ((PackagesInputs)packages.Spec).Packages);
    }

    [Fact]
    public void A_pool_size_change_touches_exactly_the_pgbouncer_files_and_services()
    {
        var before = GraphOf(TestStacks.Minimal);
        var after = GraphOf(TestStacks.MinimalWith("hastack:pgbouncer: { defaultPoolSize: 50 }"));
        Assert.Equal(before.Resources.Select(r => r.Id), after.Resources.Select(r => r.Id));
        var changed = before.Resources.Where(r => r.InputHash != after[r.Id].InputHash).Select(r => r.Id).Order().ToList();
        var expected = new[] { "node1", "node2", "node3" }
            .SelectMany(n => new[] { $"{ResourceTypes.File}::{n}:/etc/pgbouncer/pgbouncer.ini", $"{ResourceTypes.Service}::{n}:pgbouncer" })
            .Order().ToList();
        Assert.Equal(expected, changed);
        // a config change is a reload for PgBouncer, not a restart: the service's diff says so
        var service = $"{ResourceTypes.Service}::node1:pgbouncer";
        var diff = ResourceKinds.Of(ResourceTypes.Service).Diff(before[service].Spec, after[service].Spec);
        Assert.Equal(["reads[/etc/pgbouncer/pgbouncer.ini]"], diff.Paths);
        Assert.Equal(ServiceEffect.Reload, diff.Effect);
    }

    [Fact]
    public void Identity_and_hashes_do_not_depend_on_secret_values()
    {
        string StackWith(string password)
        {
            var (salt, crypter) = HaStack.Infra.Stack.PassphraseCrypter.Create("p");
            return $"encryptionsalt: {salt}\n" + TestStacks.MinimalWith($"hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: {crypter.Encrypt(password)}");
        }
        var a = StackPipeline.Plan(TestStacks.Valid(StackWith("first-password"), "p")).Graph;
        var b = StackPipeline.Plan(TestStacks.Valid(StackWith("second-password"), "p")).Graph;
        Assert.Equal(a.Resources.Select(r => (r.Id, r.InputHash)), b.Resources.Select(r => (r.Id, r.InputHash)));
    }

    [Fact]
    public void Generated_passwords_are_resources_and_users_without_one_get_one()
    {
        var graph = GraphOf(TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: app_user"));
        var passwords = graph.Resources.Where(r => r.Type == ResourceTypes.Password).Select(r => r.Name).ToList();
        Assert.Equal(["postgres-superuser", "replication", "rewind", "pgbouncer-auth", "patroni-rest", "user-app-user"], passwords);
        Assert.Contains($"{ResourceTypes.Password}::user-app-user", graph[$"{ResourceTypes.SqlSetup}::roles-and-databases"].DependsOn);
    }

    [Fact]
    public void A_new_agent_build_updates_the_binary_and_restarts_the_agent_and_nothing_else()
    {
        var config = TestStacks.Valid(TestStacks.Minimal);
        var before = StackPipeline.Plan(config, "aaa").Graph;
        var after = StackPipeline.Plan(config, "bbb").Graph;
        var changed = before.Resources.Where(r => r.InputHash != after[r.Id].InputHash).Select(r => r.Id).Order().ToList();
        Assert.Equal(new[] { "node1", "node2", "node3" }
            .SelectMany(n => new[] { $"{ResourceTypes.AgentBinary}::{n}", $"{ResourceTypes.Service}::{n}:hastack-vrrpd" }).Order().ToList(), changed);
        var agent = $"{ResourceTypes.Service}::node1:hastack-vrrpd";
        var diff = ResourceKinds.Of(ResourceTypes.Service).Diff(before[agent].Spec, after[agent].Spec);
        Assert.Equal(["reads[/usr/local/sbin/hastack-vrrpd]"], diff.Paths);
        Assert.Equal(ServiceEffect.Restart, diff.Effect);
    }
}
