using System.Text;
using HaStack.Deploy.Cluster;
using HaStack.Infra.Operations;
using HaStack.Infra.Topology;

namespace HaStack.Deploy.Tests;

/// <summary>
/// The rolling restart against fake hosts whose Patroni answers from a member table: the order (replicas, the sync
/// standby last of them, then a switchover and the old primary), a stop at the first restart Patroni refuses, the
/// REST password only on standard input; and the preview's note for settings that need a restart.
/// </summary>
public class RollingRestartTests
{
    private const string Password = "rest-pw-'$(x)";

    /// <summary>node1 leads, node2 is the sync standby; a switchover makes the candidate lead and the old leader its sync standby.</summary>
    private sealed class Cluster
    {
        public string Leader = "node1";
        public string Sync = "node2";
        public Func<string, Remote.RemoteResult?> RestartAnswer = _ => null;

        /// <summary>Whether Patroni's demotion of the old primary restarted it (so it no longer waits); Patroni does.</summary>
        public bool DemotionRestarts = true;
        public HashSet<string> Pending { get; } = ["node1", "node2", "node3"];
        public List<string> Journal { get; } = [];
        public Dictionary<string, FakeHost> Hosts { get; } = [];

        public Cluster()
        {
            foreach (var name in new[] { "node1", "node2", "node3" })
                Hosts[name] = new FakeHost(name, (script, stdin) =>
                {
                    lock (Journal)
                        return Answer(name, script, stdin);
                });
        }

        private Remote.RemoteResult Answer(string host, HostScript script, byte[]? stdin)
        {
            if (script.Kind == HostOperationKind.PatroniRestart)
            {
                Assert.Equal(Password, Encoding.UTF8.GetString(stdin!));
                Assert.DoesNotContain(Password, script.Text, StringComparison.Ordinal);
                Journal.Add($"restart {host}");
                var answer = RestartAnswer(host) ?? FakeHost.Ok();
                if (answer.Ok)
                    Pending.Remove(host);
                return answer;
            }
            if (script.Kind == HostOperationKind.PatroniSwitchover)
            {
                Journal.Add($"switchover to {script.Subject}");
                (Sync, Leader) = (Leader, script.Subject!);
                if (DemotionRestarts)
                    Pending.Remove(Sync);
                return FakeHost.Ok();
            }
            return script.Kind switch
            {
                // the VIP on node3 alone
                HostOperationKind.VipLookup => host == "node3" ? FakeHost.Ok() : FakeHost.Fail(""),
                HostOperationKind.PatroniMembers => FakeHost.Ok(FakeHost.PatroniCluster(new[] { "node1", "node2", "node3" }.Select(n =>
                    (n, n == Leader ? "leader" : n == Sync ? "sync_standby" : "replica", "running", (int?)3)), Pending)),
                HostOperationKind.PatroniSynchronousStandbys => FakeHost.Ok(FakeHost.PatroniReplication(Sync)),
                _ => FakeHost.Ok(),
            };
        }
    }

    private static RollingRestart Restart(Cluster cluster) => new(ThreeHostStack.Plan(), h => cluster.Hosts[h], Password, _ => { });

    [Fact]
    public void Replicas_restart_first_the_sync_standby_last_of_them_then_a_switchover_hands_over_before_the_old_primary_restarts()
    {
        var cluster = new Cluster { DemotionRestarts = false };
        var order = Restart(cluster).Run(["node1", "node2", "node3"]);
        Assert.Equal(["node3", "node2", "node1"], order);
        Assert.Equal(["restart node3", "restart node2", "switchover to node2", "restart node1"], cluster.Journal);
    }

    [Fact]
    public void An_old_primary_that_its_demotion_restarted_is_not_restarted_again()
    {
        // Patroni answers 503 to a restart_pending restart of a member that no longer waits (seen on the lab)
        var cluster = new Cluster { RestartAnswer = h => h == "node1" ? FakeHost.Fail("Patroni refused the restart: 503 restart conditions are not satisfied") : null };
        Assert.Equal(["node3", "node2"], Restart(cluster).Run(["node1", "node2", "node3"]));
        Assert.Equal(["restart node3", "restart node2", "switchover to node2"], cluster.Journal);
    }

    [Fact]
    public void Only_the_members_waiting_for_a_restart_restart_and_without_the_primary_among_them_nothing_switches_over()
    {
        var cluster = new Cluster();
        Assert.Equal(["node2"], Restart(cluster).Run(["node2"]));
        Assert.Equal(["restart node2"], cluster.Journal);
        Assert.Empty(Restart(new Cluster()).Run([]));
    }

    [Fact]
    public void A_restart_Patroni_refuses_stops_the_roll_and_says_which_member()
    {
        var cluster = new Cluster { RestartAnswer = h => h == "node3" ? FakeHost.Fail("Patroni refused the restart: 503 restart already in progress") : null };
        var e = Assert.Throws<RollingRestartException>(() => Restart(cluster).Run(["node1", "node2", "node3"]));
        Assert.StartsWith("node3: Patroni refused the restart: 503", e.Message, StringComparison.Ordinal);
        Assert.Equal(["restart node3"], cluster.Journal);
    }

    [Fact]
    public void The_preview_names_the_settings_that_need_a_restart_and_says_nothing_for_reloadable_ones()
    {
        Assert.Null(PostgresRestartSettings.RestartNote(["settings[postgresql/parameters/work_mem]", "settings.ttl"]));
        var note = PostgresRestartSettings.RestartNote(["settings[postgresql/parameters/max_connections]", "settings[postgresql/parameters/work_mem]"]);
        Assert.StartsWith("max_connections take(s) effect only at a restart", note, StringComparison.Ordinal);
    }
}
