using System.Text;
using HaStack.Vrrp.Config;

namespace HaStack.Vrrp.Tests;

/// <summary>
/// Configs that used to pass check-config and then stop or mislead the daemon: each is now refused or warned
/// about before the daemon runs, or takes effect as written.
/// </summary>
public class HardeningTests
{
    private static ConfigLoadResult Load(string text) =>
        ConfigLoader.Load("/etc/k.conf", new InMemoryConfigSource(new Dictionary<string, string> { ["/etc/k.conf"] = text }));

    private static string Errors(ConfigLoadResult result) => string.Join("\n", result.Diagnostics);

    private static string Instance(string name, string nic, int vrid, string address, string extra = "") => $$"""
        vrrp_instance {{name}} {
            interface {{nic}}
            virtual_router_id {{vrid}}
            {{extra}}
            virtual_ipaddress {
                {{address}}
            }
        }
        """;

    [Fact]
    public void One_VRID_on_two_interfaces_is_refused_before_the_daemon_meets_the_first_packet()
    {
        var result = Load(Instance("A", "eth0", 51, "10.0.0.100/24") + Instance("B", "eth1", 51, "10.1.0.100/24"));
        Assert.True(result.HasErrors);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("virtual_router_id 51, as A does on eth0", StringComparison.Ordinal));
        Assert.False(Load(Instance("A", "eth0", 51, "10.0.0.100/24") + Instance("B", "eth1", 52, "10.1.0.100/24")).HasErrors);
    }

    [Fact]
    public void An_IPv6_virtual_address_is_refused_before_the_daemon_would_fail_to_add_it()
    {
        var result = Load(Instance("A", "eth0", 51, "fd00::100/64", "version 3"));
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("IPv6 virtual addresses", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_parsed_without_effect_are_warned_about()
    {
        var result = Load(Instance("A", "eth0", 51, "10.0.0.100/24", "state MASTER\n    accept"));
        Assert.False(result.HasErrors, Errors(result));
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Warning && d.Message.Contains("'state MASTER' has no effect", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Warning && d.Message.Contains("'accept' has no effect", StringComparison.Ordinal));
        // what HaStack writes (state BACKUP) says nothing
        Assert.DoesNotContain(Load(Instance("A", "eth0", 51, "10.0.0.100/24", "state BACKUP")).Diagnostics, d => d.Message.Contains("no effect", StringComparison.Ordinal));
    }

    [Fact]
    public void A_million_nested_braces_are_an_error_not_a_stack_overflow()
    {
        var text = new StringBuilder("global_defs ");
        text.Append('{', 1_000_000).Append('}', 1_000_000).Append('\n').Append(Instance("A", "eth0", 51, "10.0.0.100/24"));
        var result = Load(text.ToString());
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains($"nested deeper than {ConfigTree.MaxBlockDepth}", StringComparison.Ordinal));
        // what follows the damaged block is still read
        Assert.Contains(result.Config?.Instances ?? [], i => i.Name == "A");
    }

    [Fact]
    public void Global_gratuitous_ARP_settings_hold_for_an_instance_that_sets_only_some_of_its_own()
    {
        var result = Load("global_defs {\n    vrrp_garp_master_repeat 7\n    vrrp_garp_master_refresh 30\n}\n" +
            Instance("A", "eth0", 51, "10.0.0.100/24", "garp_master_delay 2"));
        Assert.False(result.HasErrors, Errors(result));
        var garp = result.Config!.Instances.Single().GratuitousArp;
        Assert.Equal(7, garp.Repeat);
        Assert.Equal(TimeSpan.FromSeconds(30), garp.Refresh);
        Assert.Equal(TimeSpan.FromSeconds(2), garp.Delay);
    }
}

/// <summary>The daemon's config reader on real files: only a regular file of bounded size is read.</summary>
public class FileConfigSourceTests
{
    [Fact]
    public async Task A_device_a_fifo_and_a_huge_file_are_refused_unread_and_a_regular_file_is_read()
    {
        var source = new HaStack.Vrrpd.FileConfigSource();
        Assert.Null(source.Read("/dev/zero"));
        var directory = Directory.CreateTempSubdirectory("vrrpd-config");
        try
        {
            var fifo = Path.Combine(directory.FullName, "fifo");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
                mkfifo.WaitForExit();
            // opening a FIFO for reading would block until a writer came; it must not be opened at all
            var read = Task.Run(() => source.Read(fifo));
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))));
            Assert.Null(await read);
            var huge = Path.Combine(directory.FullName, "huge.conf");
            File.WriteAllBytes(huge, new byte[HaStack.Vrrpd.FileConfigSource.MaxFileBytes + 1]);
            Assert.Null(source.Read(huge));
            var fine = Path.Combine(directory.FullName, "k.conf");
            File.WriteAllText(fine, "\uFEFFglobal_defs {\n}\n");
            Assert.Equal("global_defs {\n}\n", source.Read(fine));
            var empty = Path.Combine(directory.FullName, "empty.conf");
            File.WriteAllText(empty, "");
            Assert.Equal("", source.Read(empty));
            Assert.Null(source.Read(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_event_inbox_refuses_a_packet_flood_past_its_limit_but_never_a_signal_and_wakes_its_loop_at_once()
    {
        var queue = new HaStack.Vrrpd.Daemon.EventInbox<string>(limit: 3);
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(queue.TryAddBounded($"packet {i}")));
        Assert.False(queue.TryAddBounded("packet 3"));
        queue.Add("SIGTERM");
        var taken = new List<string>();
        while (queue.TryTake(out var item))
            taken.Add(item);
        Assert.Equal(["packet 0", "packet 1", "packet 2", "SIGTERM"], taken);

        Assert.False(queue.TryTake(out _, timeoutMilliseconds: 50));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var poster = Task.Run(() =>
        {
            Thread.Sleep(100);
            queue.Add("tracker");
        });
        Assert.True(queue.TryTake(out var woken, timeoutMilliseconds: 10_000));
        Assert.Equal("tracker", woken);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the loop slept {watch.Elapsed.TotalSeconds:0.0} s past an event");
        await poster;
    }

    [Fact]
    public void Global_router_id_names_the_machine_in_the_status_as_keepalived_uses_it_and_defaults_to_the_host_name()
    {
        var loaded = ConfigLoader.Load("/etc/k.conf", new InMemoryConfigSource(new Dictionary<string, string> { ["/etc/k.conf"] = "global_defs {\n    router_id lb-east-1\n}\n" }));
        Assert.Equal("lb-east-1", loaded.Config!.Global.RouterId);
        var status = new HaStack.Vrrpd.Daemon.DaemonStatus();
        Assert.Contains($"\"routerId\": \"{Environment.MachineName}\"", status.Json(), StringComparison.Ordinal);
        status.RouterId = loaded.Config.Global.RouterId!;
        Assert.Contains("\"routerId\": \"lb-east-1\"", status.Json(), StringComparison.Ordinal);
    }
}
