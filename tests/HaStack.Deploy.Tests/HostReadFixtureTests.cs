using HaStack.Deploy.Reads;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Tests;

/// <summary>
/// Each component's reads, parsed from what real hosts answered (Fixtures/*, recorded by tests/fixtures/record.sh from
/// one deployment per Debian release: three hosts with every role, TLS on, the VIP on HAProxy). Debian 12: Patroni
/// 3.0.2, etcd 3.4, HAProxy 2.6, PgBouncer 1.18; Debian 13: Patroni 4.0.7, etcd 3.5, HAProxy 3.0, PgBouncer 1.24.
/// </summary>
public sealed class HostReadFixtureTests
{
    private static string Fixture(string component, string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", component, name));

    private static readonly SqlTarget Node1 = new("node1", "10.77.0.11", 8008, Tls: true);

    public static TheoryData<int> Releases => new() { 12, 13 };

    private static string Leader(int release) =>
        PatroniReads.Members(Node1).Parse(Fixture("patroni", $"cluster-debian{release}.json")).Single(m => m.IsLeader).Name;

    [Theory]
    [MemberData(nameof(Releases))]
    public void Patronis_members_are_the_three_hosts_with_one_leader_on_one_timeline(int release)
    {
        var members = PatroniReads.Members(Node1).Parse(Fixture("patroni", $"cluster-debian{release}.json"));
        Assert.Equal(["node1", "node2", "node3"], members.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Single(members, m => m.IsLeader);
        Assert.Single(members.Select(m => m.Timeline).Distinct());
        Assert.All(members, m => Assert.True(m.Timeline >= 1, $"{m.Name} has no timeline"));
        // Patroni 4 (Debian 13) runs quorum commit, both standbys quorum_standby; Patroni 3.0 names one sync_standby
        Assert.Equal(release == 13 ? ["quorum_standby", "quorum_standby"] : ["replica", "sync_standby"],
            members.Where(m => !m.IsLeader).Select(m => m.Role).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(members, m => m.PendingRestart);
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void A_member_marked_pending_is_the_one_that_waits_for_a_restart_even_while_it_starts(int release)
    {
        // as Patroni marks a member whose settings wait (4.0 adds a reason beside the flag), and a member that is starting
        var cluster = System.Text.Json.Nodes.JsonNode.Parse(Fixture("patroni", $"cluster-debian{release}.json"))!;
        cluster["members"]![1]!["pending_restart"] = true;
        cluster["members"]![1]!["pending_restart_reason"] = new System.Text.Json.Nodes.JsonObject { ["max_connections"] = new System.Text.Json.Nodes.JsonObject { ["old_value"] = "100", ["new_value"] = "120" } };
        cluster["members"]![1]!["state"] = "starting";
        cluster["members"]![1]!.AsObject().Remove("timeline");
        cluster["members"]![2]!["pending_restart"] = false;
        var members = PatroniReads.Members(Node1).Parse(cluster.ToJsonString());
        Assert.Equal([(string)cluster["members"]![1]!["name"]!], members.Where(m => m.PendingRestart).Select(m => m.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"members": 3}""")]
    [InlineData("""{"members": [{"pending_restart": true, "role": "replica", "state": "running"}]}""")]
    [InlineData("""{"members": [{"name": "node2", "pending_restart": true}]}""")]
    public void A_malformed_cluster_answer_is_an_error_not_a_shorter_list(string answer) =>
        Assert.Throws<FormatException>(() => PatroniReads.Members(Node1).Parse(answer));

    [Theory]
    [MemberData(nameof(Releases))]
    public void Etcds_members_are_all_healthy_over_https_with_one_leader_of_the_releases_version(int release)
    {
        var members = EtcdReads.Members(2379, tls: true).Parse(Fixture("etcd", $"members-debian{release}.txt"));
        Assert.Equal(["https://10.77.0.11:2379", "https://10.77.0.12:2379", "https://10.77.0.13:2379"], members.Select(m => m.Endpoint));
        Assert.All(members, m => Assert.True(m.Healthy, m.Endpoint));
        Assert.Single(members, m => m.IsLeader);
        Assert.All(members, m => Assert.StartsWith(release == 13 ? "3.5." : "3.4.", m.Version, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void HAProxy_sends_writes_to_the_primary_alone_and_reads_to_the_replicas(int release)
    {
        var servers = HaproxyReads.Servers("node1", 7000).Parse(Fixture("haproxy", $"stats-debian{release}.csv"));
        var leader = Leader(release);
        Assert.Equal([leader], servers.Where(s => s.Listener == "writes" && s.Status == "UP").Select(s => s.Server));
        Assert.Equal(new[] { "node1", "node2", "node3" }.Where(n => n != leader),
            servers.Where(s => s.Listener == "reads" && s.Status == "UP").Select(s => s.Server).Order(StringComparer.Ordinal));
        Assert.Equal(6, servers.Count);
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void PgBouncers_pools_are_read_whatever_columns_its_version_adds(int release)
    {
        var pools = PgBouncerReads.Pools("node1", 6432).Parse(Fixture("pgbouncer", $"pools-debian{release}.tsv"));
        Assert.NotEmpty(pools);
        Assert.DoesNotContain(pools, p => p.Database == "pgbouncer");
        Assert.All(pools, p => Assert.True(p.ClientsActive >= 0 && p.ClientsWaiting == 0 && p.ServersActive >= 0 && p.ServersIdle >= 0, $"{p.Database}/{p.User}"));
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void The_agents_status_names_its_state_and_priorities(int release)
    {
        var agent = AgentReads.Status("node1", 9651).Parse(Fixture("agent", $"status-debian{release}.json"));
        Assert.True(agent.Answered);
        Assert.Contains(agent.State, new[] { "MASTER", "BACKUP" });
        Assert.True(agent.Priority is > 0 and < 255, $"priority {agent.Priority}");
        Assert.True(agent.ConfiguredPriority is > 0 and < 255, $"configured priority {agent.ConfiguredPriority}");
    }
}
