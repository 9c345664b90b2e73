using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Infra.Tests;

/// <summary>
/// The one generic host-side operation (<see cref="HostOperations.Http"/>) run as a host runs it, under sh with this
/// machine's python3, against an HTTP server on loopback: the answer's body on standard output, the password (and a
/// body) from standard input into Basic authentication and the request, an HTTP error reported with its code, a
/// server that does not answer bounded by the call's timeout; and no secret on the command line.
/// </summary>
public sealed class HostHttpTests : IDisposable
{
    private const string Password = "pw-'$(reboot)\"x";
    private readonly HttpListener listener = new();
    private readonly string root;
    private readonly List<(string Method, string Path, string? Authorization, string Body)> seen = [];

    public HostHttpTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        root = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(root + "/");
        listener.Start();
        _ = Task.Run(Serve);
    }

    public void Dispose() => listener.Close();

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            lock (seen)
                seen.Add((context.Request.HttpMethod, path, context.Request.Headers["Authorization"], body));
            if (path == "/slow")
                await Task.Delay(TimeSpan.FromSeconds(10));
            context.Response.StatusCode = path == "/refuse" ? 412 : 200;
            var answer = Encoding.UTF8.GetBytes(path == "/refuse" ? "not a sync standby" : "{\"members\": []}");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(HostScript script, string? stdin = null)
    {
        var start = new ProcessStartInfo("sh", ["-c", script.Text])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var sh = Process.Start(start)!;
        var stdout = sh.StandardOutput.ReadToEndAsync();
        var stderr = sh.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await sh.StandardInput.WriteAsync(stdin);
        sh.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await sh.WaitForExitAsync(timeout.Token);
        return (sh.ExitCode, await stdout, await stderr);
    }

    private static string Basic(string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("patroni:" + password));

    [Fact]
    public async Task A_get_prints_the_answers_body()
    {
        var (exit, stdout, _) = await RunAsync(HostOperations.HttpGet("reading", root + "/cluster"));
        Assert.Equal((0, "{\"members\": []}"), (exit, stdout));
        Assert.Equal(("GET", "/cluster", (string?)null), seen.Select(s => (s.Method, s.Path, s.Authorization)).Single());
    }

    [Fact]
    public async Task A_post_takes_its_password_from_standard_input_and_sends_its_json_body()
    {
        var script = HostOperations.Switchover(new SqlTarget("node1", "127.0.0.1", int.Parse(root[(root.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)), "node1", "node2'$(x)");
        Assert.DoesNotContain(Password, script.Text, StringComparison.Ordinal);
        Assert.Equal(ScriptInput.Content, script.Input);
        var (exit, _, stderr) = await RunAsync(script, Password);
        Assert.True(exit == 0, stderr);
        var request = seen.Single();
        Assert.Equal(("POST", "/switchover", Basic(Password)), (request.Method, request.Path, request.Authorization));
        Assert.Equal("{\"leader\": \"node1\", \"candidate\": \"node2'$(x)\"}", request.Body);
    }

    [Fact]
    public async Task A_put_reads_the_password_line_then_the_body()
    {
        var port = int.Parse(root[(root.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var (exit, _, stderr) = await RunAsync(HostOperations.PutPatroniConfig(new SqlTarget("node1", "127.0.0.1", port)), Password + "\n{\"ttl\": 30}\n");
        Assert.True(exit == 0, stderr);
        Assert.Equal(("PUT", "/config", Basic(Password), "{\"ttl\": 30}\n"), seen.Single());
    }

    [Fact]
    public async Task A_put_through_any_host_tries_each_in_turn_until_one_takes_it_and_fails_when_none_does()
    {
        var port = int.Parse(root[(root.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var down = new SqlTarget("node1", "127.0.0.1", closedPort);
        var up = new SqlTarget("node2", "127.0.0.1", port);
        // as a host runs it: under timeout, through the command line both engines send
        var script = HostOperations.PutPatroniConfigThroughAny([down, up]);
        var line = script with { Text = script.CommandLine(sudo: false) };
        var (exit, _, stderr) = await RunAsync(line, Password + "\n{\"ttl\": 30}\n");
        Assert.True(exit == 0, stderr);
        Assert.Contains($"127.0.0.1:{closedPort}", stderr, StringComparison.Ordinal);
        Assert.Equal(("PUT", "/config", Basic(Password), "{\"ttl\": 30}\n"), seen.Single());
        Assert.DoesNotContain(Password, script.Text, StringComparison.Ordinal);
        (exit, _, stderr) = await RunAsync(HostOperations.PutPatroniConfigThroughAny([down, down]), Password + "\n{}\n");
        Assert.Equal(1, exit);
        Assert.EndsWith("no database host took the configuration", stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_that_outlives_its_bound_is_ended_on_the_host_with_timeouts_status()
    {
        var script = new HostScript("sleeping", "sleep 30", TimeoutSeconds: 1);
        var started = Stopwatch.StartNew();
        var (exit, _, _) = await RunAsync(script with { Text = script.CommandLine(sudo: false) });
        Assert.Equal(124, exit);
        Assert.InRange(started.Elapsed.TotalSeconds, 0, 20);
        // and a script's own status comes through unchanged
        var failing = new HostScript("failing", "exit 7");
        Assert.Equal(7, (await RunAsync(failing with { Text = failing.CommandLine(sudo: false) })).Exit);
    }

    [Fact]
    public async Task An_http_error_fails_with_what_was_refused_its_code_and_body()
    {
        var script = HostOperations.Http("refusing", new HttpCall("POST", root + "/refuse", 5, "patroni", HttpSecrets.Password, Refused: "Patroni refused the switchover"));
        var (exit, stdout, stderr) = await RunAsync(script, Password);
        Assert.Equal((1, ""), (exit, stdout));
        Assert.Equal("Patroni refused the switchover: 412 not a sync standby", stderr.Trim());
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_within_the_calls_timeout()
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await RunAsync(HostOperations.Http("waiting", HttpCall.Get(root + "/slow", timeoutSeconds: 1)));
        Assert.Equal(1, exit);
        Assert.Contains("/slow", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_readiness_probe_and_the_primary_check_exit_by_the_answer()
    {
        Assert.Equal(0, (await RunAsync(HostOperations.HttpGet("ok", root + "/health"))).Exit);
        Assert.Equal(1, (await RunAsync(HostOperations.HttpGet("refused", root + "/refuse"))).Exit);
        // the Pulumi program's SQL setup: the loop until a primary answers, then the SQL only where it does (psql is not run here: nothing to do when not primary)
        var notPrimary = HostOperations.RunSqlIfPrimary(new SqlTarget("node1", "127.0.0.1", 1), [new SqlTarget("node2", "127.0.0.1", int.Parse(root[(root.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture))], seconds: 5);
        var (exit, _, stderr) = await RunAsync(notPrimary, "SELECT 1;");
        Assert.True(exit == 0, stderr);
        Assert.Contains(seen, s => s.Path == "/primary");
    }
}
