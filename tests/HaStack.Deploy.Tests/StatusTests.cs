using HaStack.Deploy.Status;

namespace HaStack.Deploy.Tests;

/// <summary>
/// <c>hastack status</c>'s reading and judging, without hosts: the documents are what Patroni 3.0.2, etcd 3.4,
/// HAProxy 2.6, PgBouncer 1.18 and our agent printed on the lab (2026-11-29), one of them mid-fault.
/// </summary>
public sealed class StatusTests
{
    private const string Cluster = """
        {"members": [{"name": "node1", "role": "replica", "state": "running", "api_url": "http://10.77.0.11:8008/patroni", "host": "10.77.0.11", "port": 5432, "timeline": 2, "lag": 0},
         {"name": "node2", "role": "sync_standby", "state": "running", "api_url": "http://10.77.0.12:8008/patroni", "host": "10.77.0.12", "port": 5432, "timeline": 2, "lag": 0},
         {"name": "node3", "role": "leader", "state": "running", "api_url": "http://10.77.0.13:8008/patroni", "host": "10.77.0.13", "port": 5432, "timeline": 2}]}
        """;

    private const string Agent = """
        {"routerId": "node1", "instances": [{"name": "hastack", "state": "BACKUP", "vrid": 51, "priority": 250, "configuredPriority": 250,
          "master": "10.77.0.12", "lastReason": "startup", "transitions": 1}], "trackers": {"interface:eth0": true}, "eventErrors": 0, "drops": {}}
        """;

    // node2 powered off: its status is missing, its health false, and the other two have lost the leader
    private const string EtcdWithoutNode2 = """
        [{"Endpoint":"http://10.77.0.11:2379","Status":{"header":{"cluster_id":3739848913749249492,"member_id":84823281411168263,"revision":178,"raft_term":8},"version":"3.4.23","dbSize":73728,"raftIndex":202,"raftTerm":8,"raftAppliedIndex":202,"errors":["etcdserver: no leader"],"dbSizeInUse":73728}},{"Endpoint":"http://10.77.0.13:2379","Status":{"header":{"cluster_id":3739848913749249492,"member_id":5032014160592361625,"revision":178,"raft_term":8},"version":"3.4.23","dbSize":73728,"raftIndex":202,"raftTerm":8,"raftAppliedIndex":202,"errors":["etcdserver: no leader"],"dbSizeInUse":73728}}]
        [{"endpoint":"http://10.77.0.13:2379","health":true,"took":"10.28684ms"},{"endpoint":"http://10.77.0.11:2379","health":true,"took":"13.717767ms"},{"endpoint":"http://10.77.0.12:2379","health":false,"took":"5.002308263s","error":"context deadline exceeded"}]
        """;

    private const string EtcdWhole = """
        [{"Endpoint":"http://10.77.0.11:2379","Status":{"header":{"member_id":84823281411168263},"version":"3.4.23","leader":5032014160592361625}},{"Endpoint":"http://10.77.0.12:2379","Status":{"header":{"member_id":12345},"version":"3.4.23","leader":5032014160592361625}},{"Endpoint":"http://10.77.0.13:2379","Status":{"header":{"member_id":5032014160592361625},"version":"3.4.23","leader":5032014160592361625}}]
        [{"endpoint":"http://10.77.0.13:2379","health":true},{"endpoint":"http://10.77.0.11:2379","health":true},{"endpoint":"http://10.77.0.12:2379","health":true}]
        """;

    private const string HaproxyCsv = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n1096\r\n# pxname,svname,status\nstats,FRONTEND,OPEN\nwrites,FRONTEND,OPEN\n" +
        "writes,node1,DOWN\nwrites,node2,DOWN\nwrites,node3,UP\nwrites,BACKEND,UP\nreads,node1,UP\nreads,node2,UP 1/3\nreads,node3,DOWN\n";

    private const string Pools = "database\tuser\tcl_active\tcl_waiting\tcl_active_cancel_req\tcl_waiting_cancel_req\tsv_active\tsv_active_cancel\tsv_being_canceled\tsv_idle\tsv_used\tsv_tested\tsv_login\tmaxwait\tmaxwait_us\tpool_mode\n" +
        "pgbouncer\tpgbouncer\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\tstatement\n" +
        "postgres\tpostgres\t2\t3\t0\t0\t2\t0\t0\t1\t0\t0\t0\t7\t120\ttransaction\n";

    [Fact]
    public void Patroni_members_are_read_with_their_timeline_and_lag_and_the_leader_has_no_lag()
    {
        var members = StatusParsers.Members(Cluster);
        Assert.Equal(["node1 replica 2 0", "node2 sync_standby 2 0", "node3 leader 2 -"],
            members.Select(m => $"{m.Name} {m.Role} {m.Timeline} {m.LagBytes?.ToString() ?? "-"}"));
        Assert.True(members[2].IsLeader);
        Assert.DoesNotContain(members, m => m.PendingRestart);
    }

    [Fact]
    public void A_lag_Patroni_cannot_tell_and_a_pending_restart_are_read_as_such()
    {
        var members = StatusParsers.Members("""{"members": [{"name": "a", "role": "replica", "state": "running", "lag": "unknown", "pending_restart": true}]}""");
        Assert.Null(members[0].LagBytes);
        Assert.True(members[0].PendingRestart);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"members": {}}""")]
    [InlineData("""{"members": [{"name": "a", "state": "running"}]}""")]
    [InlineData("""{"members": [{"name": 1, "role": "leader", "state": "running"}]}""")]
    public void A_cluster_document_of_the_wrong_shape_is_refused_not_half_read(string json) =>
        Assert.Throws<FormatException>(() => StatusParsers.Members(json));

    [Fact]
    public void The_agents_state_and_priorities_are_read_from_its_status()
    {
        var agent = StatusParsers.Agent("node1", Agent, holdsVip: false);
        Assert.Equal(new AgentView("node1", true, "BACKUP", 250, 250, false, "startup"), agent);
    }

    [Fact]
    public void An_etcd_member_that_did_not_answer_is_unhealthy_and_without_a_leader_none_is_named()
    {
        var members = StatusParsers.EtcdMembers(EtcdWithoutNode2);
        Assert.Equal(["http://10.77.0.11:2379 True False", "http://10.77.0.12:2379 False False", "http://10.77.0.13:2379 True False"],
            members.Select(m => $"{m.Endpoint} {m.Healthy} {m.IsLeader}"));
    }

    [Fact]
    public void The_etcd_leader_is_the_member_whose_id_every_member_names()
    {
        var members = StatusParsers.EtcdMembers(EtcdWhole);
        Assert.Equal(["http://10.77.0.13:2379"], members.Where(m => m.IsLeader).Select(m => m.Endpoint));
        Assert.All(members, m => Assert.Equal("3.4.23", m.Version));
    }

    [Fact]
    public void Etcd_output_without_both_documents_is_refused() =>
        Assert.Throws<FormatException>(() => StatusParsers.EtcdMembers("[]"));

    [Fact]
    public void HAProxys_servers_are_read_per_listener_with_the_status_word()
    {
        var servers = StatusParsers.ProxyServers("node1", HaproxyCsv, ["writes", "reads"]);
        Assert.Equal(["writes node3"], servers.Where(s => s.Listener == "writes" && s.IsUp).Select(s => $"{s.Listener} {s.Server}"));
        Assert.Equal(["node1", "node2"], servers.Where(s => s.Listener == "reads" && s.IsUp).Select(s => s.Server));
        Assert.Throws<FormatException>(() => StatusParsers.ProxyServers("node1", "HTTP/1.1 503\r\n\r\n", ["writes"]));
    }

    [Fact]
    public void PgBouncers_pools_are_read_by_column_name_and_its_admin_pool_is_left_out()
    {
        var pools = StatusParsers.Pools("node1", Pools);
        Assert.Equal([new PoolView("node1", "postgres", "postgres", 2, 3, 2, 1, 7)], pools);
        Assert.Throws<FormatException>(() => StatusParsers.Pools("node1", "database\tuser\n"));
    }

    private static StackStatus Healthy(Func<StackStatus, StackStatus>? change = null)
    {
        var status = new StackStatus("s", "10.77.0.100",
            new AgentView[] { new("node1", true, "MASTER", 250, 250, true, "x"), new("node2", true, "BACKUP", 249, 249, false, "x"), new("node3", true, "BACKUP", 248, 248, false, "x") },
            new[] { "node1", "node2", "node3" }.SelectMany(h => new ProxyServerView[] { new(h, "writes", "node3", "UP"), new(h, "writes", "node1", "DOWN"), new(h, "reads", "node1", "UP") }).ToList(),
            StatusParsers.Members(Cluster),
            StatusParsers.EtcdMembers(EtcdWhole),
            StatusParsers.Pools("node1", Pools),
            new Dictionary<string, string> { ["vipMoveMs"] = "542" },
            []);
        return change is null ? status : change(status);
    }

    private static StatusHealth.Verdict Judge(StackStatus status) => StatusHealth.Judge(status, ThreeHostStack.Plan());

    [Fact]
    public void A_whole_stack_is_healthy_and_a_pool_with_clients_waiting_for_seconds_is_a_note()
    {
        var verdict = Judge(Healthy());
        Assert.True(verdict.Healthy, string.Join("\n", verdict.Degraded));
        Assert.Equal(["PgBouncer on node1: 3 client(s) of postgres/postgres waiting, the longest 7 s"], verdict.Notes);
    }

    [Fact]
    public void A_certificate_within_its_renewal_threshold_is_a_note_and_one_that_ended_is_degraded()
    {
        var now = new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var status = Healthy(s => s with
        {
            Certificates = [new("node1", now.AddDays(200), 30), new("node2", now.AddDays(10), 30), new("node3", now.AddDays(-1), 30)],
        });
        var verdict = StatusHealth.Judge(status, ThreeHostStack.Plan(), now);
        Assert.Equal(["node3's certificate ended on 2027-05-31: run hastack up to issue a new one"], verdict.Degraded);
        Assert.Contains("node2's certificate ends on 2027-06-11, within the renewal threshold: the next hastack up renews it", verdict.Notes);
        Assert.DoesNotContain(verdict.Notes, n => n.StartsWith("node1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_CA_ending_within_a_year_is_a_note_and_a_CA_that_ended_is_degraded()
    {
        var now = new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero);
        StatusHealth.Verdict At(DateTimeOffset? ends) => StatusHealth.Judge(Healthy(s => s with { AuthorityEnds = ends }), ThreeHostStack.Plan(), now);

        var farOff = At(now.AddDays(400));
        Assert.True(farOff.Healthy);
        Assert.DoesNotContain(farOff.Notes, n => n.Contains("CA", StringComparison.Ordinal));
        var soon = At(now.AddDays(300));
        Assert.True(soon.Healthy);
        Assert.Contains(soon.Notes, n => n.StartsWith("the cluster's CA ends on 2028-03-27 and HaStack does not renew a CA", StringComparison.Ordinal));
        var ended = At(now.AddDays(-2));
        Assert.Equal(["the cluster's CA ended on 2027-05-30: no certificate it issued is valid; give a new CA (tls.caCertificate, tls.caKey) and run hastack up"], ended.Degraded);
        Assert.True(At(null).Healthy);
    }

    [Fact]
    public void A_stopped_replica_is_degraded_and_named()
    {
        var verdict = Judge(Healthy(s => s with { Members = [.. s.Members.Select(m => m.Name == "node1" ? m with { State = "stopped" } : m)] }));
        Assert.Equal(["node1 (replica) is stopped"], verdict.Degraded);
    }

    [Fact]
    public void A_VIP_on_no_host_or_on_two_and_an_agent_in_fault_or_silent_are_each_a_reason()
    {
        var none = Judge(Healthy(s => s with { Agents = [.. s.Agents.Select(a => a with { HoldsVip = false })] }));
        Assert.Contains("no host holds the VIP 10.77.0.100", none.Degraded);
        var two = Judge(Healthy(s => s with { Agents = [.. s.Agents.Select(a => a with { HoldsVip = a.Host != "node3" })] }));
        Assert.Contains("the VIP 10.77.0.100 is on 2 hosts at once (node1, node2)", two.Degraded);
        var fault = Judge(Healthy(s => s with { Agents = [s.Agents[0], s.Agents[1] with { State = "FAULT", LastReason = "script:layer_check failed" }, s.Agents[2] with { Answered = false, State = null }] }));
        Assert.Equal(["the agent on node2 is in FAULT (script:layer_check failed): that host cannot take the VIP",
            "the agent on node3 does not answer: that host cannot take the VIP"], fault.Degraded);
    }

    [Fact]
    public void Without_a_named_sync_standby_or_with_a_replica_too_far_behind_a_failover_would_not_happen()
    {
        var noSync = Judge(Healthy(s => s with { Members = [.. s.Members.Select(m => m.Role == "sync_standby" ? m with { Role = "replica" } : m)] }));
        Assert.Single(noSync.Degraded, d => d.StartsWith("no synchronous standby is named", StringComparison.Ordinal));
        var behind = Judge(Healthy(s => s with { Members = [.. s.Members.Select(m => m.Name == "node1" ? m with { LagBytes = 2_000_000 } : m)] }));
        Assert.Single(behind.Degraded, d => d.StartsWith("node1 is 2000000 bytes behind", StringComparison.Ordinal));
    }

    [Fact]
    public void An_etcd_member_down_is_degraded_and_below_quorum_says_failover_is_off()
    {
        var oneDown = Judge(Healthy(s => s with { EtcdMembers = StatusParsers.EtcdMembers(EtcdWithoutNode2) }));
        Assert.Equal(["etcd member http://10.77.0.12:2379 is not healthy", "etcd has no leader"], oneDown.Degraded);
        var twoDown = Judge(Healthy(s => s with { EtcdMembers = [.. s.EtcdMembers.Select(m => m.Endpoint.Contains(".13:", StringComparison.Ordinal) ? m : m with { Healthy = false })] }));
        Assert.Contains(twoDown.Degraded, d => d.StartsWith("etcd has 1 healthy member(s), below its quorum of 2", StringComparison.Ordinal));
    }

    [Fact]
    public void HAProxy_sending_writes_anywhere_but_the_primary_or_reads_nowhere_is_degraded()
    {
        var wrong = Judge(Healthy(s => s with { ProxyServers = [.. s.ProxyServers.Select(p => p.Host == "node2" && p.Listener == "writes" ? p with { Status = p.Server == "node1" ? "UP" : "DOWN" } : p)] }));
        Assert.Equal(["HAProxy on node2 sends writes to node1, but node3 is the primary"], wrong.Degraded);
        var noReads = Judge(Healthy(s => s with { ProxyServers = [.. s.ProxyServers.Where(p => !(p.Host == "node3" && p.Listener == "reads"))] }));
        Assert.Equal(["HAProxy on node3 has no server for reads"], noReads.Degraded);
    }

    [Fact]
    public void What_could_not_be_read_is_degraded_and_a_pending_restart_is_a_note()
    {
        var verdict = Judge(Healthy(s => s with
        {
            Unreadable = ["PgBouncer on node2: node2: reading PgBouncer's pools failed (exit 2)"],
            Members = [.. s.Members.Select(m => m with { PendingRestart = m.Name == "node2" })],
        }));
        Assert.Equal(["PgBouncer on node2: node2: reading PgBouncer's pools failed (exit 2)"], verdict.Degraded);
        Assert.Contains("node2 waits for a restart to apply a setting (pending_restart)", verdict.Notes);
    }
}
