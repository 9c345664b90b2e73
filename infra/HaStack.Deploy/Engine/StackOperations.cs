using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Ssh;

namespace HaStack.Deploy.Engine;

/// <summary>Exit codes, Pulumi's taxonomy (reference/pulumi.md §5.6).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int ChangesProposed = 7;
    public const int Cancelled = 8;
}

public sealed record OperationOptions(
    string ProjectDirectory,
    string Stack,
    Func<string, string?> Environment,
    bool Yes = false,
    bool SkipPreview = false,
    bool Diff = false,
    bool ExpectNoChanges = false,
    bool PurgeData = false,
    bool Interactive = false,
    int Parallelism = 8);

/// <summary>
/// preview, up, destroy and refresh on one stack: load and validate the stack file, plan against state, show
/// the plan, and (unless previewing) apply it over SSH under the stack's lock.
/// </summary>
public sealed class StackOperations(OperationOptions options, RunOutput output, CancellationToken cancel, IRunDisplay? display = null)
{
    private readonly IRunDisplay display = display ?? PlainRunDisplay.Instance;

    public int Preview()
    {
        if (Prepare(lockFor: null) is not { } run)
            return ExitCodes.Failed;
        var steps = Planner.Plan(run.Plan.Graph, run.State);
        PlanPrinter.Preview(output, $"Previewing update ({options.Stack})", steps, options.Diff);
        return Verdict(steps);
    }

    public int Up()
    {
        if (Prepare(lockFor: "up") is not { } run)
            return ExitCodes.Failed;
        using var locked = run.Lock;
        var steps = Planner.Plan(run.Plan.Graph, run.State);
        if (!options.SkipPreview)
        {
            PlanPrinter.Preview(output, $"Previewing update ({options.Stack})", steps, options.Diff);
            output.Line();
        }
        if (options.ExpectNoChanges && steps.Any(s => s.IsChange))
            return Verdict(steps);
        if (!Confirm("update"))
            return ExitCodes.Usage;
        var code = Apply(run, steps, "Updating", purgeData: false);
        if (code == ExitCodes.Ok)
            WriteOutputs(run);
        return code;
    }

    public int Destroy()
    {
        if (Prepare(lockFor: "destroy") is not { } run)
            return ExitCodes.Failed;
        using var locked = run.Lock;
        var steps = Planner.PlanDestroy(run.State);
        PlanPrinter.Preview(output, $"Previewing destroy ({options.Stack})", steps, diff: false);
        if (options.PurgeData)
            output.Line("    --purge-data: the PostgreSQL and etcd data directories will be removed too");
        output.Line();
        if (!Confirm("destroy"))
            return ExitCodes.Usage;
        var code = Apply(run, steps, "Destroying", options.PurgeData);
        if (code == ExitCodes.Ok)
        {
            run.State.Outputs.Clear();
            run.Store.Save(run.State);
        }
        return code;
    }

    /// <summary>Reads every applied resource back from its host and records drift in state; changes no host.</summary>
    public int Refresh()
    {
        if (Prepare(lockFor: "refresh") is not { } run)
            return ExitCodes.Failed;
        using var locked = run.Lock;
        output.Line($"Refreshing ({options.Stack}):");
        using var sessions = new SessionPool(run.Plan.Config);
        var context = Context(run, sessions, purgeData: false);
        var drifted = 0;
        foreach (var resource in run.State.Resources)
        {
            string? drift;
            try
            {
                drift = Providers.Providers.For(resource.Type).Drift(context, resource);
            }
            catch (Exception e) when (e is RemoteCommandException or HostKeyMismatchException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException)
            {
                output.Error($"error: {resource.Id}: {e.Message}");
                return ExitCodes.Failed;
            }
            resource.Drift = drift;
            if (drift is not null)
            {
                drifted++;
                output.Line($" ~  {resource.Type,-28} {resource.Name,-52} drifted: {drift}");
            }
        }
        run.Store.Save(run.State);
        output.Line();
        output.Line("Resources:");
        output.Line(drifted == 0 ? $"    {run.State.Resources.Count} unchanged" : $"    ~ {drifted} drifted (the next up repairs them). {run.State.Resources.Count - drifted} unchanged");
        return ExitCodes.Ok;
    }

    private sealed record Run(StackPlan Plan, StateStore Store, StackState State, SecretStore Secrets, string AgentBinary, IDisposable? Lock);

    /// <summary>
    /// Everything before touching a host: a valid stack, the passphrase, the agent binary, and (under the lock,
    /// when the command changes state) the state and its secrets.
    /// </summary>
    private Run? Prepare(string? lockFor)
    {
        var loaded = StackPipeline.Load(options.ProjectDirectory, options.Stack, options.Environment);
        foreach (var diagnostic in loaded.Diagnostics)
            output.Error(diagnostic.ToString());
        if (loaded.Config is not { } config)
        {
            output.Error($"{loaded.Diagnostics.Count(d => d.Severity == Severity.Error)} error(s) in the stack: no host was contacted");
            return null;
        }
        var passphrase = StackPipeline.Passphrase(options.Environment);
        if (passphrase is null)
        {
            output.Error("error: the state keeps generated passwords encrypted with the stack's passphrase: set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it");
            return null;
        }
        var agent = options.Environment("HASTACK_AGENT_BINARY") ?? Path.Combine(options.ProjectDirectory, "artifacts", "hastack-vrrpd", "hastack-vrrpd");
        if (!File.Exists(agent))
        {
            output.Error($"error: the agent binary {agent} is not built: run `dotnet publish agent/HaStack.Vrrpd -c Release -r linux-x64 -p:PublishAot=true -o artifacts/hastack-vrrpd` (or set HASTACK_AGENT_BINARY)");
            return null;
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(agent)));
        var store = new StateStore(options.ProjectDirectory, config.Project, config.Stack);
        IDisposable? held = null;
        try
        {
            held = lockFor is null ? null : store.Lock(lockFor, output.Error);
            var state = store.Load();
            var secrets = new SecretStore(state, config, passphrase);
            output.Mask(secrets.Plaintexts());
            return new Run(StackPipeline.Plan(config, sha), store, state, secrets, agent, held);
        }
        catch (StackLockedException e)
        {
            output.Error($"error: {e.Message}");
        }
        catch (HaStack.Infra.Stack.IncorrectPassphraseException e)
        {
            output.Error($"error: {store.StatePath}: {e.Message}");
            held?.Dispose();
        }
        return null;
    }

    private bool Confirm(string what)
    {
        if (options.Yes || options.SkipPreview)
            return true;
        if (!options.Interactive)
        {
            output.Error("error: --yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
            return false;
        }
        Console.Write($"Do you want to perform this {what}? [yes/no] ");
        return Console.ReadLine()?.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase) == true;
    }

    private ApplyContext Context(Run run, SessionPool sessions, bool purgeData) =>
        new(run.Plan, run.Secrets, sessions.Get, output.Line, purgeData) { AgentBinaryPath = run.AgentBinary };

    private int Apply(Run run, IReadOnlyList<PlannedStep> steps, string verb, bool purgeData)
    {
        var clock = Stopwatch.StartNew();
        using var sessions = new SessionPool(run.Plan.Config);
        var context = Context(run, sessions, purgeData);
        // every host with work to do is reached first: an unreachable host or a wrong host key stops the run before any change
        var hosts = steps.Where(s => s.IsChange && s.Host is not null).Select(s => s.Host!).Distinct().ToList();
        try
        {
            Parallel.ForEach(hosts, h => sessions.Get(h));
        }
        catch (AggregateException e)
        {
            foreach (var inner in e.InnerExceptions)
                output.Error($"error: {inner.Message}");
            output.Error("no change was made");
            return ExitCodes.Failed;
        }
        output.Line($"{verb} ({options.Stack}):");
        var reports = display.Show($"{verb} {options.Stack}", (started, finished) =>
        {
            var runner = new StepRunner(context, run.State, run.Store, options.Parallelism, r =>
            {
                finished(r.Step);
                if (r.Step.IsChange || r.Outcome != StepOutcome.Done)
                    PlanPrinter.Progress(output, r);
                if (r.Outcome == StepOutcome.Done)
                    output.Mask(context.Secrets.Plaintexts());
            })
            { Started = started };
            return runner.Run(steps, cancel);
        });
        output.Line();
        var notDone = reports.Where(r => r.Outcome != StepOutcome.Done).Select(r => r.Step.Id).ToHashSet();
        PlanPrinter.Summary(output, steps, past: true, notDone);
        output.Line();
        output.Line($"Duration: {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s");
        if (output.LogPath is not null)
            output.Line($"Log: {output.LogPath}");
        if (cancel.IsCancellationRequested)
        {
            output.Error("cancelled: steps in flight finished and were recorded; run up again to continue");
            return ExitCodes.Cancelled;
        }
        var failed = reports.Count(r => r.Outcome == StepOutcome.Failed);
        if (failed > 0)
        {
            output.Error($"{failed} step(s) failed; what succeeded is recorded, and the next up resumes from there");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private void WriteOutputs(Run run)
    {
        var config = run.Plan.Config;
        var secrets = run.Secrets;
        var (writes, reads) = run.Plan.Topology.ClientPorts;
        var outputs = run.State.Outputs;
        outputs["vipAddress"] = new OutputValue(config.Vip.Address, false);
        outputs["writer"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{writes}/postgres", false);
        if (reads is { } r)
            outputs["reader"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{r}/postgres", false);
        outputs["postgresPassword"] = new OutputValue(secrets.Encrypt(secrets.Value("postgres-superuser")), true);
        if (run.State.Resources.FirstOrDefault(r => r.Type == HaStack.Infra.Graph.ResourceTypes.Verification) is { } verified)
            RecordVerification(outputs, verified.Outputs);
        run.Store.Save(run.State);
        output.Line("Outputs:");
        foreach (var (name, value) in outputs)
            output.Line($"    {name}: {(value.Secret ? "[secret]" : value.Value)}");
    }

    private static void RecordVerification(SortedDictionary<string, OutputValue> outputs, IReadOnlyDictionary<string, string> figures)
    {
        foreach (var (name, value) in figures.Where(f => f.Key != "enabled"))
            outputs[name] = new OutputValue(value, false);
    }

    /// <summary><c>hastack verify</c>: the failover proof on its own, on a deployed stack; its figures become outputs.</summary>
    public int Verify()
    {
        if (Prepare(lockFor: "verify") is not { } run)
            return ExitCodes.Failed;
        using var locked = run.Lock;
        if (run.State.Resources.Count == 0)
        {
            output.Error($"error: stack {options.Stack} is not deployed: run hastack up first");
            return ExitCodes.Failed;
        }
        using var sessions = new SessionPool(run.Plan.Config);
        var context = Context(run, sessions, purgeData: false);
        output.Line($"Verifying ({options.Stack}): SQL through {run.Plan.Config.Vip.Address}, then the VIP holder's proxy stops");
        try
        {
            var figures = new Verification.FailoverProof(context).Run();
            RecordVerification(run.State.Outputs, figures);
            run.Store.Save(run.State);
            foreach (var (name, value) in figures)
                output.Line($"    {name}: {value}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is Verification.VerificationFailedException or RemoteCommandException or Renci.SshNet.Common.SshException)
        {
            output.Error($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private int Verdict(IReadOnlyList<PlannedStep> steps)
    {
        if (options.ExpectNoChanges && steps.Any(s => s.IsChange))
        {
            output.Error("error: no changes were expected but changes were proposed");
            return ExitCodes.ChangesProposed;
        }
        return ExitCodes.Ok;
    }
}

/// <summary>One SSH session per host for a run, opened on first use and closed at the end.</summary>
public sealed class SessionPool(StackConfig config) : IDisposable
{
    private readonly Dictionary<string, Lazy<HostSession>> sessions = config.Hosts.ToDictionary(h => h.Name,
        h => new Lazy<HostSession>(() => new HostSession(h, config.Ssh, KnownHostsOf(config)), LazyThreadSafetyMode.ExecutionAndPublication));

    private static KnownHosts KnownHostsOf(StackConfig config) =>
        config.Ssh.KnownHostsFile is { Length: > 0 } file && File.Exists(HostSession.ExpandHome(file))
            ? KnownHosts.Parse(File.ReadAllText(HostSession.ExpandHome(file)))
            : KnownHosts.Parse("");

    public HostSession Get(string host) => sessions[host].Value;

    public void Dispose()
    {
        foreach (var session in sessions.Values.Where(s => s.IsValueCreated))
            session.Value.Dispose();
    }
}
