using System.Text.Json;
using HaStack.Vrrpd;

namespace HaStack.Vrrp.Tests;

/// <summary>hastack-vrrpd's diagnostic verbs, called in process.</summary>
public class CommandLineTests
{
    private static (int Exit, string Output) CheckConfig(string path)
    {
        var output = new StringWriter();
        return (CheckConfigCommand.Run(path, output), output.ToString());
    }

    private static (int Exit, JsonElement Json) Decode(params string[] args)
    {
        var output = new StringWriter();
        var exit = DecodeCommand.Run(args, output);
        return (exit, JsonDocument.Parse(output.ToString()).RootElement);
    }

    [Fact]
    public void Check_config_on_the_seed_prints_its_warnings_and_exits_0()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Configs", "seed-keepalived.conf");
        var (exit, output) = CheckConfig(path);
        Assert.Equal(0, exit);
        Assert.Contains($"{path}:6: warning: 'notification_email' is a keepalived keyword that hastack-vrrpd does not support; it is ignored", output, StringComparison.Ordinal);
        Assert.Contains($"{path}:24: warning: vrrp_instance VI_1: 'state MASTER' has no effect in hastack-vrrpd", output, StringComparison.Ordinal);
        Assert.Contains($"{path}: ok: 1 instance(s), 6 warning(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_config_with_errors_exits_1()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hastack-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "vrrp_instance VI_1 {\n interface eth0\n}\n");
        try
        {
            var (exit, output) = CheckConfig(path);
            Assert.Equal(1, exit);
            Assert.Contains($"{path}:1: error: vrrp_instance VI_1 has no 'virtual_router_id'", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Check_config_of_a_missing_file_exits_1()
    {
        Assert.Equal(1, CheckConfig("/nonexistent/hastack.conf").Exit);
    }

    [Fact]
    public void Decode_a_whole_keepalived_v2_packet()
    {
        var (exit, json) = Decode(KeepalivedPackets.V2Pass);
        Assert.Equal(0, exit);
        Assert.Equal(2, json.GetProperty("version").GetInt32());
        Assert.Equal(1, json.GetProperty("type").GetInt32());
        Assert.Equal(77, json.GetProperty("vrid").GetInt32());
        Assert.Equal(150, json.GetProperty("priority").GetInt32());
        Assert.Equal(2, json.GetProperty("count").GetInt32());
        Assert.Equal(1, json.GetProperty("advertInterval").GetInt32());
        Assert.Equal(["10.77.0.100", "10.77.0.101"], json.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, json.GetProperty("authType").GetInt32());
        Assert.Equal("hslab77", json.GetProperty("authData").GetString());
        Assert.Equal("0xc43f", json.GetProperty("checksum").GetString());
        Assert.Equal("message", json.GetProperty("checksumForm").GetString());
        Assert.Equal(255, json.GetProperty("ttl").GetInt32());
    }

    [Fact]
    public void Decode_a_bare_v3_message_in_either_checksum_form()
    {
        var (exit, json) = Decode("--src", "10.77.0.12", "--dst", "224.0.0.18", KeepalivedPackets.V3PseudoHeader[40..]);
        Assert.Equal(0, exit);
        Assert.Equal("pseudo-header", json.GetProperty("checksumForm").GetString());
        Assert.False(json.TryGetProperty("ttl", out _));
        (exit, json) = Decode("--src", "10.77.0.12", "--dst", "224.0.0.18", KeepalivedPackets.V3MessageOnlyPayload);
        Assert.Equal(0, exit);
        Assert.Equal("message", json.GetProperty("checksumForm").GetString());
    }

    [Fact]
    public void Decode_a_bad_packet_prints_the_reason_and_exits_1()
    {
        var corrupt = KeepalivedPackets.V2Pass[..^2] + "01";
        var (exit, json) = Decode(corrupt);
        Assert.Equal(1, exit);
        Assert.False(json.GetProperty("accepted").GetBoolean());
        Assert.Equal("checksum_invalid", json.GetProperty("dropReason").GetString());
        var lowTtl = Convert.ToHexString(Vrrp.Packets.Ipv4Packet.Wrap(Convert.FromHexString(KeepalivedPackets.V3MessageOnlyPayload),
            System.Net.IPAddress.Parse("10.77.0.12"), System.Net.IPAddress.Parse("224.0.0.18"), ttl: 64));
        Assert.Equal("ttl_not_255", Decode(lowTtl).Json.GetProperty("dropReason").GetString());
    }
}
