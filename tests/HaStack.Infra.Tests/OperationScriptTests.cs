using System.Runtime.CompilerServices;
using System.Text;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Infra.Tests;

/// <summary>
/// The operations both engines run, pinned as text for the two reference topologies: every resource's create,
/// update (each service effect), delete and read-back script. After a deliberate change, run with
/// HASTACK_UPDATE_GOLDEN=1 and review the diff of Golden/operations like any other change.
/// </summary>
public class OperationScriptTests
{
    private static string GoldenSource([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden", "operations");

    private static string Describe(ResourceGraph graph)
    {
        var text = new StringBuilder();
        void Script(string label, HostScript? script)
        {
            if (script is null)
                return;
            text.Append("### ").Append(label).Append(" (").Append(script.What).Append("; stdin ").Append(script.Input).Append("; ")
                .Append(script.TimeoutSeconds).Append(" s)\n").Append(script.Text).Append('\n');
        }
        foreach (var resource in graph.Resources)
        {
            var scripts = ResourceOperations.Of(resource.Spec);
            text.Append("## ").Append(resource.Id).Append('\n');
            Script("create", scripts.Create);
            if (resource.Spec is ServiceInputs service)
            {
                foreach (var read in service.Reads.GroupBy(r => r.Effect).Select(g => g.First()))
                    Script($"update {read.Effect.ToString().ToLowerInvariant()}", scripts.Update(read.Effect));
                Script("update none", scripts.Update(ServiceEffect.None));
                // the planned steps around an etcd member joining a running cluster or leaving one
                if (service.Membership is { } member)
                {
                    Script("join (planned)", ResourceOperations.Of(new EtcdJoinInputs(member, service.DataDirectories[0])).Create);
                    Script("leave (planned)", ResourceOperations.Of(new EtcdLeaveInputs(member)).Create);
                }
            }
            Script("delete", scripts.Delete);
            if (scripts.DeleteWithData != scripts.Delete)
                Script("delete --purge-data", scripts.DeleteWithData);
            Script("read", scripts.Read);
            if (resource.Spec is SqlSetupInputs setup)
                foreach (var target in setup.Targets)
                    Script($"find the primary: {target.Host}", HostOperations.IsPrimary(target));
        }
        return text.ToString();
    }

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public void Operation_scripts_match_the_golden_files(string stack)
    {
        var actual = Describe(StackPipeline.Plan(TestStacks.LoadFile(stack).Config!, new string('0', 64)).Graph);
        if (Environment.GetEnvironmentVariable("HASTACK_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(GoldenSource());
            File.WriteAllText(Path.Combine(GoldenSource(), stack + ".txt"), actual);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "operations", stack + ".txt")), actual);
    }

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public void Every_operation_script_parses_under_sh(string stack)
    {
        // HostSession runs scripts under sh (dash on Debian): a bashism there fails only on a real host
        var graph = StackPipeline.Plan(TestStacks.LoadFile(stack).Config!, new string('0', 64)).Graph;
        var scripts = graph.Resources.SelectMany(r =>
        {
            var s = ResourceOperations.Of(r.Spec);
            return new[] { s.Create, s.Update(ServiceEffect.Restart), s.Update(ServiceEffect.Reload), s.Update(ServiceEffect.None), s.Delete, s.DeleteWithData, s.Read };
        }).OfType<HostScript>().Concat(graph.Resources.Select(r => r.Spec).OfType<ServiceInputs>().Where(s => s.Membership is not null)
            .SelectMany(s => new[] { HostOperations.LeaveEtcd(s.Membership!), HostOperations.JoinEtcd(new EtcdJoinInputs(s.Membership!, s.DataDirectories[0])) }))
            .DistinctBy(s => s.Text).ToList();
        Assert.Contains(scripts, s => s.Text.Contains("member add", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.Text.Contains("member remove", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            var check = new System.Diagnostics.ProcessStartInfo("sh", ["-n"]) { RedirectStandardInput = true, RedirectStandardError = true };
            using var sh = System.Diagnostics.Process.Start(check)!;
            sh.StandardInput.Write(script.Text);
            sh.StandardInput.Close();
            var error = sh.StandardError.ReadToEnd();
            sh.WaitForExit();
            Assert.True(sh.ExitCode == 0, $"{script.What}: {error}\n{script.Text}");
        }
    }

    [Fact]
    public void Writing_or_removing_a_unit_file_reloads_systemd_and_no_other_file_does()
    {
        var graph = StackPipeline.Plan(TestStacks.LoadFile("three").Config!, new string('0', 64)).Graph;
        var files = graph.Resources.Select(r => r.Spec).OfType<FileInputs>().ToList();
        Assert.Contains(files, f => f.Path.EndsWith("/50-hastack-recovery.conf", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var scripts = ResourceOperations.Of(file);
            var isUnit = file.Path.StartsWith("/etc/systemd/system/", StringComparison.Ordinal);
            Assert.Equal(isUnit, scripts.Create!.Text.EndsWith("\nsystemctl daemon-reload", StringComparison.Ordinal));
            Assert.Equal(isUnit, scripts.Delete!.Text.EndsWith("\nsystemctl daemon-reload", StringComparison.Ordinal));
        }
    }

    public static TheoryData<string> Hostile() => new(["'", "a'b", "$(reboot)", "`reboot`", "a;b", "a\nb", "a b", "\\", "'\\''", "-rf", "*", "\"$HOME\""]);

    /// <summary>The quoting function, checked by the real shell: whatever the value, sh reads back exactly it as one word.</summary>
    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_quoted_value_comes_back_from_sh_as_one_word_byte_for_byte(string value)
    {
        using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", $"printf '%s|' {Shell.Quote(value)}"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();
        Assert.Equal(value + "|", output);
    }

    /// <summary>The fault matrix's and the switchover's scripts: a hostile member or unit name stays one quoted word, and sh parses the script.</summary>
    [Theory]
    [MemberData(nameof(Hostile))]
    public void Fault_and_switchover_scripts_quote_every_name(string value)
    {
        // the switchover's names travel inside its request, one quoted JSON argument: the host-side program gets them back exactly
        foreach (var (leader, candidate) in new[] { (value, "node2"), ("node1", value) })
        {
            var call = HostOperations.Switchover(new SqlTarget("node1", "10.0.0.1", 8008, Tls: true), leader, candidate).Text.Split('\n')[^1];
            Assert.StartsWith("hastack_http '", call, StringComparison.Ordinal);
            using var echo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "hastack_http() { printf '%s' \"$1\"; }\n" + call])
            {
                RedirectStandardOutput = true,
            })!;
            var request = System.Text.Json.Nodes.JsonNode.Parse(echo.StandardOutput.ReadToEnd())!;
            echo.WaitForExit();
            Assert.Equal((leader, candidate), (request["json"]!["leader"]!.GetValue<string>(), request["json"]!["candidate"]!.GetValue<string>()));
        }
        var scripts = new (HostScript Script, string Quoted)[]
        {
            (HostOperations.KillService(value, mainOnly: true), Shell.Quote(value)),
            (HostOperations.KillPostmaster("/var/lib/postgresql/" + value), Shell.Quote($"/var/lib/postgresql/{value}/postmaster.pid")),
        };
        foreach (var (script, quoted) in scripts)
        {
            Assert.Contains(quoted, script.Text, StringComparison.Ordinal);
            using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-n", "-c", script.Text]) { RedirectStandardError = true })!;
            var errors = sh.StandardError.ReadToEnd();
            sh.WaitForExit();
            Assert.True(sh.ExitCode == 0, $"{script.What}: {errors}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => HostOperations.PgBouncerAdmin("SHUTDOWN", 6432));
    }

    [Fact]
    public async Task HAProxys_statistics_are_read_through_the_host_side_http_call_as_a_host_runs_it()
    {
        // a loopback listener stands in for HAProxy's stats page; the script runs the way a host runs it: sh -c TEXT
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var stream = client.GetStream();
            var request = new byte[256];
            var read = await stream.ReadAsync(request);
            var reply = System.Text.Encoding.ASCII.GetString(request, 0, read).StartsWith("GET /;csv HTTP/1.1\r\n", StringComparison.Ordinal)
                ? "HTTP/1.0 200 OK\r\n\r\n# pxname,svname,status\nwrites,node2,UP\n" : "HTTP/1.0 400 Bad\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply));
        });
        var script = HostOperations.HaproxyStats(port);
        using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", script.Text]) { RedirectStandardOutput = true })!;
        var output = await sh.StandardOutput.ReadToEndAsync();
        await sh.WaitForExitAsync();
        await served;
        listener.Stop();
        Assert.Equal(0, sh.ExitCode);
        Assert.Contains("writes,node2,UP", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_cannot_be_quoted() => Assert.Throws<ArgumentException>(() => Shell.Quote("a\0b"));

    [Fact]
    public void Purge_refuses_a_data_directory_HaStack_does_not_make_even_when_handed_one_directly()
    {
        var service = new ServiceInputs("patroni", [], new Catalogue.ReadinessProbe(Catalogue.ProbeKind.Active, "", 30), ["/etc"]);
        Assert.Throws<InvalidInputException>(() => HostOperations.StopService(service, purgeData: true));
    }
}
