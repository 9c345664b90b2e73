using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Agent;

/// <summary>
/// hastack-vrrpd and keepalived 2.2.7 in one VRRP group, with one and the same config text; and Wireshark's
/// VRRP dissector judging our packets in every mode.
/// </summary>
[Collection(LabTestGroup.Name)]
public sealed class AgentInteropTests : IDisposable
{
    private const string Pass = "authentication {\n auth_type PASS\n auth_pass hslab77\n}";
    private readonly AgentLab agents;
    private readonly LabHost node1, node2;

    public AgentInteropTests(LabFixture fixture)
    {
        agents = new AgentLab(fixture.Lab);
        agents.Reset();
        (node1, node2) = (fixture.Lab.Hosts[0], fixture.Lab.Hosts[1]);
    }

    public void Dispose() => agents.Reset();

    public static TheoryData<int, string> Modes => new()
    {
        { 2, Pass },
        { 3, "" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Keepalived_master_hands_over_to_our_agent_and_takes_the_address_back(int version, string auth)
    {
        agents.StartKeepalived(node1, AgentLab.Config(150, version, auth: auth));
        agents.StartAgent(node2, AgentLab.Config(100, version, auth: auth));
        Assert.Equal(node1, agents.SoleHolder(TimeSpan.FromSeconds(10)));
        Thread.Sleep(TimeSpan.FromSeconds(2)); // our agent hears keepalived and stays backup
        Assert.Equal([node1], agents.VipHolders());
        Assert.Contains("\"master\": \"10.77.0.11\"", Status(node2), StringComparison.Ordinal);

        node1.Check("systemctl stop keepalived");
        Assert.Equal(node2, agents.SoleHolder(TimeSpan.FromSeconds(3)));
        node1.Check("systemctl start keepalived");
        AgentLab.WaitFor("keepalived preempts our agent", () => agents.VipHolders().SequenceEqual([node1]), TimeSpan.FromSeconds(8));
        Assert.Contains(AgentLab.AgentLog(node2), l => l.Text.Contains("MASTER -> BACKUP: higher priority 150 advertised by 10.77.0.11", StringComparison.Ordinal));
        Assert.DoesNotContain("\"auth_password_mismatch\"", Status(node2), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Our_master_hands_over_to_keepalived_and_takes_the_address_back(int version, string auth)
    {
        agents.StartAgent(node1, AgentLab.Config(150, version, auth: auth));
        agents.StartKeepalived(node2, AgentLab.Config(100, version, auth: auth));
        Assert.Equal(node1, agents.SoleHolder(TimeSpan.FromSeconds(10)));
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal([node1], agents.VipHolders());

        node1.Check("systemctl stop hastack-vrrpd");
        Assert.Equal(node2, agents.SoleHolder(TimeSpan.FromSeconds(3)));
        node1.Check("systemctl start hastack-vrrpd");
        AgentLab.WaitFor("our agent preempts keepalived", () => agents.VipHolders().SequenceEqual([node1]), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void A_wrong_password_is_dropped_and_counted()
    {
        agents.StartKeepalived(node1, AgentLab.Config(150, 2, auth: Pass));
        agents.StartAgent(node2, AgentLab.Config(100, 2, auth: Pass.Replace("hslab77", "other", StringComparison.Ordinal)));
        AgentLab.WaitFor("drops counted", () => Status(node2).Contains("\"auth_password_mismatch\"", StringComparison.Ordinal), TimeSpan.FromSeconds(6));
        // not hearing a valid master, our agent takes the address too: exactly what a password mismatch does
        AgentLab.WaitFor("both hold the address", () => agents.VipHolders().Count == 2, TimeSpan.FromSeconds(6));
    }

    [Theory]
    [InlineData(2, Pass, false)]
    [InlineData(3, "", false)]
    [InlineData(3, "v3_checksum_as_v2", true)]
    public void Wiresharks_dissector_finds_our_packets_valid(int version, string extra, bool messageOnlyChecksum)
    {
        var config = AgentLab.Config(150, version, advert: version == 3 ? "0.1" : "1",
            auth: extra == Pass ? Pass : "", extraInstance: extra == Pass ? "" : extra);
        agents.StartAgent(node1, config);
        agents.SoleHolder(TimeSpan.FromSeconds(10));
        var capture = $"/tmp/hastack-vrrp-{Guid.NewGuid():N}.pcapng";
        try
        {
            AgentLab.HostSide($"timeout 6 tshark -q -i hslab0 -a duration:3 -f 'ip proto 112 and src host 10.77.0.11' -w {capture} 2>/dev/null");
            // the dissector's v3 checksum preference selects which IPv4 form it calls good
            var preference = messageOnlyChecksum ? "TRUE" : "FALSE";
            var fields = AgentLab.HostSide($"tshark -r {capture} -o ip.check_checksum:TRUE -o vrrp.v3_checksum_as_in_v2:{preference} " +
                "-T fields -e ip.ttl -e vrrp.version -e vrrp.prio -e vrrp.checksum.status -e ip.checksum.status -e _ws.expert.severity 2>/dev/null");
            var packets = fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            Assert.True(packets.Count >= 2, $"captured {packets.Count} packets");
            Assert.All(packets, p =>
            {
                Assert.Equal(["255", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "150", "1", "1"], p[..5]);
                Assert.True(p.Length < 6 || p[5].Length == 0, $"expert info: {string.Join(' ', p)}");
            });
            // the control: the opposite preference calls the same v3 packets bad
            if (version == 3)
            {
                var opposite = messageOnlyChecksum ? "FALSE" : "TRUE";
                var bad = AgentLab.HostSide($"tshark -r {capture} -o vrrp.v3_checksum_as_in_v2:{opposite} -T fields -e vrrp.checksum.status 2>/dev/null");
                Assert.All(bad.Split('\n', StringSplitOptions.RemoveEmptyEntries), s => Assert.Equal("0", s));
            }
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [Fact]
    public void Our_agents_accept_each_others_v3_checksum_forms()
    {
        agents.StartAgent(node1, AgentLab.Config(150, 3, extraInstance: "v3_checksum_as_v2"));
        agents.StartAgent(node2, AgentLab.Config(100, 3));
        Assert.Equal(node1, agents.SoleHolder(TimeSpan.FromSeconds(10)));
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal([node1], agents.VipHolders());
        Assert.DoesNotContain("checksum_invalid", Status(node2), StringComparison.Ordinal);
    }

    private static string Status(LabHost host) =>
        AgentApi.Get(host, "/status");
}
