using HaStack.Lab.Tests.Lab;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Lab.Tests.Agent;

/// <summary>hastack-vrrpd on three real hosts: election, health-check failover, SIGTERM, kill -9, preemption, split brain.</summary>
[Collection(LabTestGroup.Name)]
public sealed class AgentFailoverTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private readonly AgentLab agents;
    private readonly LabHost node1, node2, node3;

    public AgentFailoverTests(LabFixture fixture)
    {
        agents = new AgentLab(fixture.Lab);
        agents.Reset();
        (node1, node2, node3) = (fixture.Lab.Hosts[0], fixture.Lab.Hosts[1], fixture.Lab.Hosts[2]);
    }

    public void Dispose() => agents.Reset();

    private void StartThree(string extra = "", bool nopreemptOnFirst = false, string top = "")
    {
        agents.StartAgent(node1, AgentLab.Config(150, extraInstance: extra + (nopreemptOnFirst ? "\nnopreempt" : ""), extraTop: top));
        agents.StartAgent(node2, AgentLab.Config(100, extraInstance: extra, extraTop: top));
        agents.StartAgent(node3, AgentLab.Config(50, extraInstance: extra, extraTop: top));
    }

    [Fact]
    public void Three_agents_elect_the_highest_priority_and_the_vip_answers_from_it()
    {
        StartThree();
        Assert.Equal(node1, agents.SoleHolder(Settle));
        // the lab machine reaches the VIP, and its ARP entry points at node1's MAC
        AgentLab.WaitFor("TCP to the VIP", () => AgentLab.HostSide($"timeout 1 bash -c '</dev/tcp/{AgentLab.Vip}/5000' && echo ok").Contains("ok", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Contains("02:77:00:00:00:11", AgentLab.HostSide($"ip neigh show {AgentLab.Vip}"), StringComparison.Ordinal);
        var status = AgentApi.Get(node2, "/status");
        Assert.Contains("\"state\": \"BACKUP\"", status, StringComparison.Ordinal);
        Assert.Contains("\"master\": \"10.77.0.11\"", status, StringComparison.Ordinal);
        var metrics = AgentApi.Get(node1, "/metrics");
        Assert.Contains("hastack_vrrp_state{instance=\"VI_HASTACK\",state=\"master\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void HAProxy_stopped_on_the_master_moves_the_vip_through_the_process_tracker()
    {
        StartThree(extra: "track_process {\n chk_haproxy\n}", top: "vrrp_track_process chk_haproxy {\n process haproxy\n weight 0\n}");
        Assert.Equal(node1, agents.SoleHolder(Settle));
        var stoppedAt = DateTime.UtcNow;
        node1.Check("systemctl stop haproxy");
        var moved = AgentLab.WaitFor("VIP on node2", () => agents.VipHolders().SequenceEqual([node2]), TimeSpan.FromSeconds(5));
        Assert.Contains(AgentLab.AgentLog(node1), l => l.At >= stoppedAt.AddSeconds(-1) && l.Text.Contains("MASTER -> FAULT: process:chk_haproxy failed", StringComparison.Ordinal));
        // FAULT sends priority 0: node2 takes over after its skew time (0.61 s), not its master-down interval (3.6 s)
        Assert.True(moved < TimeSpan.FromSeconds(2.5), $"took {moved.TotalMilliseconds} ms");
        node1.Check("systemctl start haproxy");
        AgentLab.WaitFor("VIP back on node1 (preemption)", () => agents.VipHolders().SequenceEqual([node1]), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void Sigterm_hands_over_within_the_backups_skew_time()
    {
        StartThree();
        Assert.Equal(node1, agents.SoleHolder(Settle));
        node1.Check("systemctl stop hastack-vrrpd");
        Assert.Equal(node2, agents.SoleHolder(TimeSpan.FromSeconds(3)));
        var stopped = AgentLab.LoggedAt(node1, "MASTER -> INITIALIZE: shutdown");
        var took = AgentLab.LoggedAt(node2, "BACKUP -> MASTER") - stopped;
        var skew = Timing.SkewTime(VrrpVersion.V3, 100, 100);
        Assert.InRange(took, skew - TimeSpan.FromMilliseconds(5), skew + TimeSpan.FromMilliseconds(150));
        Assert.DoesNotContain(node1, agents.VipHolders());
    }

    [Fact]
    public void Kill_9_is_noticed_after_the_master_down_interval_and_the_restart_clears_the_leftover_vip()
    {
        StartThree();
        Assert.Equal(node1, agents.SoleHolder(Settle));
        var killedAt = DateTime.UtcNow;
        node1.Check("systemctl kill -s KILL hastack-vrrpd");
        AgentLab.WaitFor("node2 MASTER", () => agents.VipHolders().Contains(node2), TimeSpan.FromSeconds(6));
        var took = AgentLab.LoggedAt(node2, "BACKUP -> MASTER") - killedAt;
        var masterDown = Timing.MasterDownInterval(VrrpVersion.V3, 100, 100, 100);
        // the last advert came 0-1 s before the kill
        Assert.InRange(took, masterDown - TimeSpan.FromSeconds(1.1), masterDown + TimeSpan.FromMilliseconds(300));
        // a crashed agent leaves its address behind; systemd restarts it (Restart=on-failure) and the new one
        // removes the address as it starts as backup, then preempts as the highest priority
        AgentLab.WaitFor("the leftover VIP removed", () => AgentLab.AgentLog(node1).Any(l => l.At > killedAt && l.Text.Contains("left over from an earlier run", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        Assert.Equal(node1, WaitForHolder(node1, Settle));
    }

    [Fact]
    public void Recovered_master_preempts_but_not_with_nopreempt()
    {
        StartThree(nopreemptOnFirst: true);
        Assert.Equal(node1, agents.SoleHolder(Settle));
        node1.Check("systemctl stop hastack-vrrpd");
        Assert.Equal(node2, agents.SoleHolder(TimeSpan.FromSeconds(3)));
        node1.Check("systemctl start hastack-vrrpd");
        Thread.Sleep(TimeSpan.FromSeconds(6)); // longer than node1's master-down interval: it would have preempted by now
        Assert.Equal([node2], agents.VipHolders());

        // the same without nopreempt: node1 takes the address back
        agents.StartAgent(node1, AgentLab.Config(150));
        Assert.Equal(node1, WaitForHolder(node1, TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public void Split_brain_heals_to_one_master_that_re_announces_the_vip_whichever_master_speaks_first()
    {
        // higher_prio_send_advert, as HaStack renders it: whichever master speaks first after the split, the winner
        // hears the loser once and re-announces (without it, the winner sent no gratuitous ARP in 4 of 4 runs here)
        StartThree(SplitBrainOptions);
        Assert.Equal(node1, agents.SoleHolder(Settle));
        Thread.Sleep(TimeSpan.FromSeconds(2)); // past the takeover's second GARP burst, which would mask the split's end
        var garpsBefore = Counter(node1, "hastack_vrrp_gratuitous_arps_sent_total");
        // take node1 off the bridge: its link stays up, but nothing reaches it
        AgentLab.HostSide("ip link set hsv1 nomaster");
        AgentLab.WaitFor("two masters", () => agents.VipHolders().Count == 2, TimeSpan.FromSeconds(6));
        AgentLab.HostSide("ip link set hsv1 master hslab0");
        AgentLab.WaitFor("one master again", () => agents.VipHolders().SequenceEqual([node1]), TimeSpan.FromSeconds(5));
        AgentLab.WaitFor("a fresh gratuitous ARP from the winner", () => Counter(node1, "hastack_vrrp_gratuitous_arps_sent_total") > garpsBefore, TimeSpan.FromSeconds(3));
        Assert.Contains(AgentLab.AgentLog(node2), l => l.Text.Contains("MASTER -> BACKUP: higher priority 150", StringComparison.Ordinal));
    }

    /// <summary>The GARP settings HaStack renders (keepalived.conf.sbn).</summary>
    private const string SplitBrainOptions = "garp_master_delay 1\nhigher_prio_send_advert";

    [Fact]
    public void A_reload_that_changes_only_peers_and_priority_keeps_the_master_and_the_vip_where_they_are()
    {
        // a host leaving the group, as HaStack renders it: the others' peers drop it and the priorities close up
        static string Unicast(int self, params int[] peers) =>
            $"unicast_src_ip 10.77.0.1{self}\nunicast_peer {{\n{string.Join("\n", peers.Select(p => $"10.77.0.1{p}"))}\n}}";
        agents.StartAgent(node1, AgentLab.Config(150, extraInstance: Unicast(1, 2, 3)));
        agents.StartAgent(node2, AgentLab.Config(100, extraInstance: Unicast(2, 1, 3)));
        agents.StartAgent(node3, AgentLab.Config(50, extraInstance: Unicast(3, 1, 2)));
        Assert.Equal(node1, agents.SoleHolder(Settle));
        // the leaving host's agent stops first (HaStack does), while the others still count it as a peer
        node3.Check("systemctl stop hastack-vrrpd");
        var reloaded = DateTime.UtcNow;
        agents.WriteConfig(node1, "/etc/hastack-vrrpd/keepalived.conf", AgentLab.Config(140, extraInstance: Unicast(1, 2)));
        agents.WriteConfig(node2, "/etc/hastack-vrrpd/keepalived.conf", AgentLab.Config(90, extraInstance: Unicast(2, 1)));
        node1.Check("systemctl reload hastack-vrrpd");
        node2.Check("systemctl reload hastack-vrrpd");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(4))
        {
            var holders = agents.VipHolders();
            Assert.True(holders.SequenceEqual([node1]), $"{watch.Elapsed.TotalSeconds:0.0} s after the reload the VIP is on {string.Join(", ", holders.Select(h => h.Name))}");
            Thread.Sleep(200);
        }
        var log = AgentLab.AgentLog(node1).Where(l => l.At >= reloaded.AddSeconds(-1)).Select(l => l.Text).ToList();
        Assert.Contains(log, l => l.Contains("peers or priority changed, stays MASTER (priority 140)", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("INITIALIZE", StringComparison.Ordinal));
        Assert.DoesNotContain(AgentLab.AgentLog(node2).Where(l => l.At >= reloaded.AddSeconds(-1)), l => l.Text.Contains("INITIALIZE", StringComparison.Ordinal));
    }

    private LabHost WaitForHolder(LabHost host, TimeSpan timeout)
    {
        AgentLab.WaitFor($"VIP on {host.Name} alone", () => agents.VipHolders().SequenceEqual([host]), timeout);
        return host;
    }

    private static double Counter(LabHost host, string name)
    {
        var metrics = AgentApi.Get(host, "/metrics");
        return metrics.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
