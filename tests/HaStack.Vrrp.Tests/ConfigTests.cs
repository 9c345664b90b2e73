using System.Net;
using HaStack.Vrrp.Config;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrp.Tests;

public class ConfigTests
{
    private const string Minimal = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress {
                10.77.0.100/24
            }
        }
        """;

    private static ConfigLoadResult Load(string text, params (string Path, string Text)[] more)
    {
        var files = new Dictionary<string, string> { ["/etc/k.conf"] = text };
        foreach (var (path, body) in more)
            files[path] = body;
        return ConfigLoader.Load("/etc/k.conf", new InMemoryConfigSource(files));
    }

    private static string Instance(string body, string version = "") => $$"""
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            {{version}}
            {{body}}
        }
        """;

    private static Diagnostic Single(ConfigLoadResult result, Severity severity, string containing)
    {
        var matches = result.Diagnostics.Where(d => d.Severity == severity && d.Message.Contains(containing, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one {severity} containing '{containing}', got:\n{string.Join("\n", result.Diagnostics)}");
        return matches[0];
    }

    [Fact]
    public void The_seeds_keepalived_conf_loads_with_the_expected_warnings_and_no_errors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Configs", "seed-keepalived.conf");
        var result = ConfigLoader.Load(path, new InMemoryConfigSource(new Dictionary<string, string> { [path] = File.ReadAllText(path) }));
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var warnings = result.Diagnostics.Select(d => (d.Location.Line, d.Message.Split(' ')[0])).ToList();
        Assert.Equal(
        [
            (6, "'notification_email'"),
            (9, "'notification_email_from'"),
            (10, "'smtp_server'"),
            (11, "'smtp_connect_timeout'"),
            (17, "script_user"),
            (24, "vrrp_instance"),
        ], warnings.OrderBy(w => w.Line));
        var instance = Assert.Single(result.Config!.Instances);
        Assert.Equal(RouterState.Master, instance.InitialState);
        Assert.Equal(VrrpVersion.V2, instance.Version);
        Assert.Equal(101, instance.Priority);
        Assert.Equal(100, instance.AdvertIntervalCentiseconds);
        Assert.Equal(AuthenticationType.SimplePassword, instance.AuthType);
        Assert.Equal("1ce24b6e", instance.AuthPassword);
        Assert.Equal(new VirtualAddress(IPAddress.Parse("10.77.0.100"), 32, null, null), Assert.Single(instance.VirtualAddresses));
        var script = Assert.Single(result.Config.Scripts);
        Assert.Equal(("/usr/bin/killall -0 haproxy", 2, TimeSpan.FromSeconds(2)), (script.Command, script.Weight, script.Interval));
        Assert.Equal("chk_haproxy", Assert.Single(instance.TrackScripts).Name);
        Assert.Equal("root", result.Config.Global.ScriptUser);
    }

    [Fact]
    public void Diagnostics_print_as_file_line_severity_message()
    {
        var result = Load("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n}\n");
        Assert.Contains("/etc/k.conf:3: error: virtual_router_id 300: must be a whole number from 1 to 255", result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_minimal_instance_gets_keepalived_defaults()
    {
        var result = Load(Minimal);
        Assert.Empty(result.Diagnostics);
        var instance = Assert.Single(result.Config!.Instances);
        Assert.Equal((RouterState.Backup, (byte)100, 100, VrrpVersion.V2, true, true), (instance.InitialState, instance.Priority, instance.AdvertIntervalCentiseconds, instance.Version, instance.Preempt, instance.Accept));
        Assert.Equal(ChecksumForm.PseudoHeader, instance.V3Checksum);
        Assert.Equal(GratuitousArpSettings.Default, instance.GratuitousArp);
    }

    [Fact]
    public void Unknown_keyword_is_an_error_with_a_suggestion()
    {
        var result = Load(Instance("priorty 150\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Assert.Equal(5, Single(result, Severity.Error, "did you mean 'priority'").Location.Line);
    }

    [Fact]
    public void Keepalived_keyword_we_do_not_support_is_a_warning_naming_it()
    {
        var result = Load(Instance("use_vmac\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Single(result, Severity.Warning, "'use_vmac' is a keepalived keyword that hastack-vrrpd does not support");
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Global_keyword_at_top_level_is_a_warning_naming_its_block()
    {
        var result = Load("vrrp_strict\n" + Minimal);
        var warning = Single(result, Severity.Warning, "'vrrp_strict' belongs inside global_defs { }");
        Assert.Equal(1, warning.Location.Line);
        Assert.False(result.Config!.Global.Strict);
    }

    [Fact]
    public void Instance_keyword_in_global_defs_is_a_warning_naming_its_block()
    {
        var result = Load("global_defs {\n  priority 100\n}\n" + Minimal);
        Single(result, Severity.Warning, "'priority' belongs inside vrrp_instance { }, not in global_defs");
    }

    [Fact]
    public void Vrrp_strict_with_unicast_peers_is_an_error_explaining_the_conflict()
    {
        var result = Load("global_defs {\n vrrp_strict\n}\n" + Instance("unicast_src_ip 10.77.0.11\nunicast_peer {\n10.77.0.12\n}\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Single(result, Severity.Error, "vrrp_strict allows multicast only, but unicast_peer is set");
    }

    [Fact]
    public void Vrrp_strict_with_authentication_is_an_error()
    {
        var result = Load("global_defs {\n vrrp_strict\n}\n" + Instance("authentication {\nauth_type PASS\nauth_pass x\n}\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Single(result, Severity.Error, "vrrp_strict forbids authentication");
    }

    [Fact]
    public void Vrrp_strict_with_preempt_delay_or_no_addresses_is_an_error()
    {
        var result = Load("global_defs {\n vrrp_strict\n}\n" + Instance("preempt_delay 5"));
        Single(result, Severity.Error, "vrrp_strict forbids preempt_delay");
        Single(result, Severity.Error, "no virtual_ipaddress, which vrrp_strict forbids");
    }

    [Fact]
    public void Higher_prio_send_advert_is_read_globally_and_per_instance_and_forbidden_under_vrrp_strict()
    {
        var address = "virtual_ipaddress {\n10.77.0.100\n}";
        Assert.False(Load(Instance(address)).Config!.Instances[0].HigherPriorityAdvert);
        Assert.True(Load("global_defs {\n vrrp_higher_prio_send_advert\n}\n" + Instance(address)).Config!.Instances[0].HigherPriorityAdvert);
        Assert.False(Load("global_defs {\n vrrp_higher_prio_send_advert\n}\n" + Instance("higher_prio_send_advert false\n" + address)).Config!.Instances[0].HigherPriorityAdvert);
        var plain = Load(Instance("higher_prio_send_advert\n" + address));
        Assert.True(plain.Config!.Instances[0].HigherPriorityAdvert);
        Assert.DoesNotContain(plain.Diagnostics, d => d.Message.Contains("higher_prio_send_advert", StringComparison.Ordinal));
        var strict = Load("global_defs {\n vrrp_strict\n}\n" + Instance("higher_prio_send_advert\n" + address));
        Assert.Equal(8, Single(strict, Severity.Error, "vrrp_strict forbids higher_prio_send_advert").Location.Line); // the keyword's own line
    }

    [Fact]
    public void Ipv6_addresses_with_version_2_are_an_error()
    {
        var result = Load(Instance("virtual_ipaddress {\nfe80::10\n}"));
        Single(result, Severity.Error, "runs VRRP version 2, which carries IPv4 only");
        // version 3 carries IPv6, but this agent does not add IPv6 addresses: that is the one error left
        var v3 = Load(Instance("virtual_ipaddress {\nfe80::10\n}", "version 3"));
        Assert.Equal("IPv6 virtual addresses", Assert.Single(v3.Diagnostics, d => d.Severity == Severity.Error).Message.Split(" has ")[1][..22]);
    }

    [Fact]
    public void Mixed_address_families_are_an_error()
    {
        var result = Load(Instance("virtual_ipaddress {\n10.77.0.100\nfe80::10\n}", "version 3"));
        Single(result, Severity.Error, "mixes IPv4 and IPv6");
    }

    [Theory]
    [InlineData("2", "0.5", "VRRP version 2 advertises in whole seconds, 1 to 255")]
    [InlineData("2", "256", "VRRP version 2 advertises in whole seconds, 1 to 255")]
    [InlineData("3", "41", "VRRP version 3 advertises every 0.01 to 40.95 seconds")]
    [InlineData("3", "0.001", "VRRP version 3 advertises every 0.01 to 40.95 seconds")]
    public void Advert_interval_out_of_range_for_the_version_is_an_error(string version, string interval, string message)
    {
        var result = Load(Instance($"advert_int {interval}\nvirtual_ipaddress {{\n10.77.0.100\n}}", $"version {version}"));
        Single(result, Severity.Error, message);
    }

    [Fact]
    public void Sub_second_v3_interval_is_kept_in_centiseconds()
    {
        var result = Load("global_defs {\n vrrp_version 3\n}\n" + Instance("advert_int 0.1\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(10, result.Config!.Instances[0].AdvertIntervalCentiseconds);
        Assert.Equal(10, result.Config.Instances[0].IntervalField);
    }

    [Fact]
    public void V3_with_authentication_is_a_warning_that_it_is_ignored()
    {
        var result = Load(Instance("authentication {\nauth_type PASS\nauth_pass abc\n}\nvirtual_ipaddress {\n10.77.0.100\n}", "version 3"));
        Single(result, Severity.Warning, "VRRP version 3 has no authentication");
        Assert.Equal(AuthenticationType.None, result.Config!.Instances[0].AuthType);
    }

    [Fact]
    public void Pass_without_password_is_an_error_and_a_long_password_a_warning()
    {
        Single(Load(Instance("authentication {\nauth_type PASS\n}\nvirtual_ipaddress {\n10.77.0.100\n}")), Severity.Error, "auth_type PASS needs an auth_pass");
        Single(Load(Instance("authentication {\nauth_type PASS\nauth_pass 123456789\n}\nvirtual_ipaddress {\n10.77.0.100\n}")), Severity.Warning, "carries only the first 8");
    }

    [Fact]
    public void Ah_authentication_is_an_error()
    {
        Single(Load(Instance("authentication {\nauth_type AH\nauth_pass x\n}\nvirtual_ipaddress {\n10.77.0.100\n}")), Severity.Error, "auth_type AH");
    }

    [Fact]
    public void Tracking_a_script_nobody_defines_is_an_error_with_a_suggestion()
    {
        var result = Load("vrrp_script chk_haproxy {\n script \"/bin/true\"\n}\nglobal_defs {\n script_user nobody\n}\n" + Instance("track_script {\n chk_haproxi\n}\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Single(result, Severity.Error, "tracks script 'chk_haproxi', which no vrrp_script defines; did you mean 'chk_haproxy'?");
    }

    [Fact]
    public void Missing_interface_or_router_id_is_an_error()
    {
        var result = Load("vrrp_instance VI_1 {\n virtual_ipaddress {\n10.77.0.100\n}\n}");
        Single(result, Severity.Error, "has no 'interface'");
        Single(result, Severity.Error, "has no 'virtual_router_id'");
    }

    [Fact]
    public void Same_router_id_twice_on_an_interface_is_an_error()
    {
        var result = Load(Minimal + "\n" + Minimal.Replace("VI_1", "VI_2", StringComparison.Ordinal));
        Single(result, Severity.Error, "uses virtual_router_id 51 on eth0, as VI_1 does");
    }

    [Fact]
    public void Nopreempt_with_state_master_is_a_warning()
    {
        var result = Load(Instance("state MASTER\nnopreempt\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Single(result, Severity.Warning, "nopreempt with state MASTER");
        Assert.False(result.Config!.Instances[0].Preempt);
    }

    [Fact]
    public void Unicast_settings_are_read_and_checked()
    {
        var result = Load(Instance("unicast_src_ip 10.77.0.11\nunicast_peer {\n10.77.0.12\n10.77.0.13\n}\nvirtual_ipaddress {\n10.77.0.100/24 dev eth0\n}"));
        Assert.Empty(result.Diagnostics);
        var instance = result.Config!.Instances[0];
        Assert.Equal(IPAddress.Parse("10.77.0.11"), instance.UnicastSource);
        Assert.Equal([IPAddress.Parse("10.77.0.12"), IPAddress.Parse("10.77.0.13")], instance.UnicastPeers);
        Assert.Equal(new VirtualAddress(IPAddress.Parse("10.77.0.100"), 24, "eth0", null), instance.VirtualAddresses[0]);
        Single(Load(Instance("unicast_src_ip 10.77.0.11\nunicast_peer {\n10.77.0.11\n}\nvirtual_ipaddress {\n10.77.0.100\n}")), Severity.Error, "both unicast_src_ip and a unicast_peer");
    }

    [Fact]
    public void Bad_values_name_the_keyword_the_value_and_the_fix()
    {
        var result = Load(Instance("priority 0\nstate LEADER\nvirtual_ipaddress {\n10.77.0.300\n10.77.0.100/33\n}"));
        Single(result, Severity.Error, "priority 0: must be a whole number from 1 to 255");
        Single(result, Severity.Error, "state LEADER: use MASTER or BACKUP");
        Single(result, Severity.Error, "'10.77.0.300' is not an IP address");
        Single(result, Severity.Error, "10.77.0.100/33: the prefix length must be 1 to 32");
    }

    [Fact]
    public void Script_settings_are_read_with_weights_rise_fall_and_user()
    {
        var result = Load("global_defs {\n script_user hastack\n}\nvrrp_script chk {\n script \"/usr/lib/hastack/check-haproxy\"\n interval 0.5\n timeout 0.3\n weight -20 reverse\n rise 2\n fall 3\n user nobody\n init_fail\n}\n" + Minimal);
        var script = Assert.Single(result.Config!.Scripts);
        Assert.Equal((TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.3), -20, true, 2, 3, "nobody", true),
            (script.Interval, script.Timeout, script.Weight, script.Reverse, script.Rise, script.Fall, script.User, script.InitFail));
        Single(result, Severity.Warning, "keepalived before 2.3.2 accepts whole seconds only");
    }

    [Fact]
    public void Include_reads_matching_files_in_order_with_their_own_line_numbers()
    {
        var result = Load("include conf.d/*.conf\n", ("/etc/conf.d/b.conf", Minimal.Replace("51", "52", StringComparison.Ordinal).Replace("VI_1", "VI_B", StringComparison.Ordinal)), ("/etc/conf.d/a.conf", "\n\n" + Minimal.Replace("interface eth0", "interfac eth0", StringComparison.Ordinal)));
        Assert.Equal(["VI_1", "VI_B"], result.Config!.Instances.Select(i => i.Name));
        var error = Single(result, Severity.Error, "unknown keyword 'interfac'");
        Assert.Equal(new SourceLocation("/etc/conf.d/a.conf", 4), error.Location);
    }

    [Fact]
    public void Include_of_itself_is_an_error_not_a_loop()
    {
        var result = Load("include k.conf\n" + Minimal);
        Single(result, Severity.Error, "includes itself");
    }

    [Fact]
    public void Comments_quotes_and_braces_on_their_own_lines_parse()
    {
        var result = Load("""
            # hash comment
            ! bang comment
            vrrp_instance VI_1
            {
                interface eth0   # trailing comment
                virtual_router_id 51
                notify_master "/usr/lib/hastack/notify.sh master now"
                virtual_ipaddress { 10.77.0.100 }
            }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("/usr/lib/hastack/notify.sh master now", result.Config!.Instances[0].Notify.Master);
        Assert.Single(result.Config.Instances[0].VirtualAddresses);
    }

    [Fact]
    public void Unbalanced_braces_are_errors_with_their_lines()
    {
        Single(Load("vrrp_instance VI_1 {\n interface eth0\n"), Severity.Error, "this block is never closed");
        Single(Load(Minimal + "\n}\n"), Severity.Error, "'}' closes no block");
    }

    [Fact]
    public void V3_checksum_as_v2_selects_the_message_only_form()
    {
        var result = Load(Instance("v3_checksum_as_v2\nvirtual_ipaddress {\n10.77.0.100\n}", "version 3"));
        Assert.Equal(ChecksumForm.MessageOnly, result.Config!.Instances[0].V3Checksum);
    }

    [Fact]
    public void No_accept_is_read_and_warned_about()
    {
        var result = Load(Instance("no_accept\nvirtual_ipaddress {\n10.77.0.100\n}"));
        Assert.False(result.Config!.Instances[0].Accept);
        Single(result, Severity.Warning, "services bound to them are unreachable");
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_in_one_run()
    {
        var result = Load("bogus_top\nvrrp_instance VI_1 {\n priority 999\n advert_int abc\n}\n");
        Assert.True(result.Diagnostics.Count(d => d.Severity == Severity.Error) >= 5, string.Join("\n", result.Diagnostics));
    }
}
