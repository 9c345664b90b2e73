using HaStack.Cli.Printing;
using System.CommandLine;
using System.Globalization;
using HaStack.Deploy.Engine;

namespace HaStack.Cli.Commands;

/// <summary>preview, up, destroy and refresh: the embedded engine's commands, with Pulumi's flags.</summary>
internal static class EngineCommands
{
    private static readonly Option<bool> Yes = new("--yes", "-y") { Description = "apply without asking" };
    private static readonly Option<bool> SkipPreview = new("--skip-preview", "-f") { Description = "apply without showing the plan first (implies --yes)" };
    private static readonly Option<bool> Diff = new("--diff") { Description = "show each changed input, file contents as a line diff" };
    private static readonly Option<bool> ExpectNoChanges = new("--expect-no-changes") { Description = "exit 7 if any change is proposed" };
    private static readonly Option<int> Parallel = CreateParallel();

    private static Option<int> CreateParallel()
    {
        var option = new Option<int>("--parallel", "-p") { Description = "steps run at once, 1-64 (default 8)", DefaultValueFactory = _ => 8 };
        option.Validators.Add(result =>
        {
            // a value that is no number is System.CommandLine's own error; asked for, it would throw
            if (result.Tokens is [var token] && int.TryParse(token.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var steps) && steps is < 1 or > 64)
                result.AddError("--parallel must be 1-64 (steps run at once)");
        });
        return option;
    }
    private static readonly Option<bool> Json = new("--json", "-j") { Description = "one JSON object per line: each step, then a summary (and the outputs)" };

    public static IEnumerable<Command> Create()
    {
        var preview = new Command("preview", "show what up would change; changes nothing on any host") { StackOptions.Stack, StackOptions.Cwd, Diff, ExpectNoChanges, Json };
        preview.SetAction(parse => Run(parse, "preview", ops => ops.Preview()));

        var purge = new Option<bool>("--purge-data") { Description = "also delete the PostgreSQL and etcd data directories of what is deleted (irreversible)" };
        var up = new Command("up", "make the hosts match the stack file, then prove the VIP moves")
        {
            StackOptions.Stack, StackOptions.Cwd, Yes, SkipPreview, Diff, ExpectNoChanges, Parallel, Json, purge,
        };
        up.SetAction(parse => Run(parse, "up", ops => ops.Up(), purgeData: parse.GetValue(purge)));

        var destroy = new Command("destroy", "stop and remove what HaStack started and wrote, in reverse order; data is kept unless --purge-data")
        {
            StackOptions.Stack, StackOptions.Cwd, Yes, SkipPreview, purge, Parallel, Json,
        };
        destroy.SetAction(parse => Run(parse, "destroy", ops => ops.Destroy(), purgeData: parse.GetValue(purge)));

        var refresh = new Command("refresh", "read every resource back from its host and record drift; the next up repairs it") { StackOptions.Stack, StackOptions.Cwd, Json };
        refresh.SetAction(parse => Run(parse, "refresh", ops => ops.Refresh()));
        var fromEngine = new Option<bool>("--from-engine")
        {
            Description = "for the Pulumi program: read the stack as the Pulumi engine gives it and the superuser password as JSON on standard input; record nothing",
        };
        var faults = new Option<string>("--faults")
        {
            Description = "the fault matrix instead: each fault (comma-separated; all when none is named) injected while a client writes through the VIP, " +
                "then restored: layer-stop, agent-kill, pgbouncer-kill, patroni-kill, postmaster-kill, switchover",
            Arity = ArgumentArity.ZeroOrOne,
        };
        faults.Validators.Add(result =>
        {
            if (HaStack.Deploy.Verification.Faults.UnknownNames(result.Tokens is [var token] ? token.Value : null) is { Count: > 0 } unknown)
                result.AddError($"--faults: {string.Join(", ", unknown.Select(HaStack.Infra.Config.TextRules.Printable))}: not a fault; the faults are {string.Join(", ", HaStack.Deploy.Verification.Faults.Names)}");
        });
        var verify = new Command("verify", "prove failover on a deployed stack: SQL through the VIP, stop the VIP holder's proxy, measure, restore")
        {
            StackOptions.Stack, StackOptions.Cwd, Json, fromEngine, faults,
        };
        verify.SetAction(parse => Run(parse, "verify", ops => parse.GetValue(fromEngine) ? ops.VerifyFromEngine(Console.In.ReadToEnd())
            : ops.Verify(parse.GetResult(faults) is null ? null : parse.GetValue(faults) ?? "")));
        var to = new Option<string>("--to") { Description = "the member to hand the primary to (default: the sync standby Patroni named)" };
        var switchover = new Command("switchover", "hand the primary to another member on purpose: PgBouncer paused around Patroni's switchover, then the cluster checked whole")
        {
            StackOptions.Stack, StackOptions.Cwd, Json, to,
        };
        switchover.SetAction(parse => Run(parse, "switchover", ops => ops.Switchover(parse.GetValue(to))));
        var status = new Command("status", "read the deployed stack from its hosts, changing nothing: the VIP and its agents, HAProxy's servers, " +
            "Patroni's members, etcd's members, PgBouncer's pools, the last proof; exit 0 when healthy, 1 when degraded")
        {
            StackOptions.Stack, StackOptions.Cwd, Json,
        };
        status.SetAction(parse => Run(parse, "status", ops => ops.Status()));
        return [preview, up, destroy, refresh, verify, switchover, status];
    }

    private static int Run(ParseResult parse, string command, Func<StackOperations, int> operation, bool purgeData = false)
    {
        var cwd = Path.GetFullPath(parse.GetValue(StackOptions.Cwd)!);
        var stack = parse.GetValue(StackOptions.Stack)!;
        var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        var json = parse.GetValue(Json);
        // each run's log has a name of its own: two runs in one second, or at once, never share one
        var logPath = command is "preview" or "status" ? null
            : Path.Combine(cwd, ".hastack", "logs", $"{stack}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}-{command}-{Environment.ProcessId}.log");
        var options = new OperationOptions(cwd, stack, Environment.GetEnvironmentVariable,
            Yes: parse.GetValue(Yes), SkipPreview: parse.GetValue(SkipPreview), Diff: parse.GetValue(Diff),
            ExpectNoChanges: parse.GetValue(ExpectNoChanges), PurgeData: purgeData, Parallelism: Math.Max(1, parse.GetValue(Parallel)),
            Confirm: interactive && !json ? Ask : null, LogPath: logPath);
        // a terminal gets colour and a live view of what each host is doing; pipes, CI and --json get plain lines
        var live = interactive && !json && !Console.IsErrorRedirected;
        using var output = new RunOutput(Console.Out, Console.Error, logPath, live ? LiveRunDisplay.WriteLine : null);
        using var cancel = new CancellationTokenSource();
        // Ctrl-C: no new step starts; steps in flight finish and are recorded, so state stays true
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (!cancel.IsCancellationRequested)
                Console.Error.WriteLine("cancelling: waiting for the steps in flight (Ctrl-C again does nothing; they are bounded by their timeouts)");
            cancel.Cancel();
        };
        IRunEvents events = json ? new JsonRunEvents(output) : new TextRunEvents(output);
        return operation(new StackOperations(options, events, cancel.Token, live ? new LiveRunDisplay() : null));
    }

    private static bool Ask(string what)
    {
        Console.Write($"Do you want to perform this {what}? [yes/no] ");
        return Console.ReadLine()?.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase) == true;
    }
}
