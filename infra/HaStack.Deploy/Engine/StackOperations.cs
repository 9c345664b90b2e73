using HaStack.Infra.Rendering;
using System.Diagnostics;
using HaStack.Deploy.Agent;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Deploy.Verification;
using HaStack.Infra.Graph;
using HaStack.Infra.Ssh;
using HaStack.Infra.Tls;

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

/// <param name="Confirm">asks the user to go ahead with WHAT (update, destroy); null when nobody can answer (no terminal)</param>
public sealed record OperationOptions(
    string ProjectDirectory,
    string Stack,
    Func<string, string?> Environment,
    bool Yes = false,
    bool SkipPreview = false,
    bool Diff = false,
    bool ExpectNoChanges = false,
    bool PurgeData = false,
    int Parallelism = 8,
    Func<string, bool>? Confirm = null,
    string? LogPath = null);

/// <summary>
/// preview, up, destroy, refresh and verify on one stack, after <see cref="StackPreparation"/>: plan against state,
/// report the plan, and (unless previewing) apply it over SSH under the stack's lock. Everything they report goes
/// out as events (<see cref="IRunEvents"/>); how it looks is the caller's choice.
/// </summary>
public sealed class StackOperations(OperationOptions options, IRunEvents events, CancellationToken cancel, IRunDisplay? display = null)
{
    private readonly IRunDisplay display = display ?? PlainRunDisplay.Instance;

    public int Preview()
    {
        using var run = StackPreparation.Prepare(options, events, lockFor: null);
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.Plan(run.Plan.Graph, run.State, run.Secrets.Version);
        events.Plan($"Previewing update ({options.Stack})", steps, options.Diff);
        events.Summary(new RunSummary(steps, Past: false));
        return Refused(steps) ? ExitCodes.Failed : Verdict(steps);
    }

    public int Up()
    {
        using var run = StackPreparation.Prepare(options, events, lockFor: "up");
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.Plan(run.Plan.Graph, run.State, run.Secrets.Version);
        if (!options.SkipPreview)
        {
            events.Plan($"Previewing update ({options.Stack})", steps, options.Diff);
            events.Summary(new RunSummary(steps, Past: false));
        }
        if (Refused(steps))
            return ExitCodes.Failed;
        if (options.ExpectNoChanges && steps.Any(s => s.IsChange))
            return Verdict(steps);
        if (options.PurgeData && steps.Any(s => s.Op == StepOp.Delete))
            events.Info("    --purge-data: the data directories of the services deleted above will be removed too");
        if (!Confirmed("update"))
            return ExitCodes.Usage;
        var code = Apply(run, steps, "Updating", options.PurgeData);
        if (code == ExitCodes.Ok)
            WriteOutputs(run);
        return code;
    }

    public int Destroy()
    {
        using var run = StackPreparation.Prepare(options, events, lockFor: "destroy");
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.PlanDestroy(run.State);
        events.Plan($"Previewing destroy ({options.Stack})", steps, diff: false);
        events.Summary(new RunSummary(steps, Past: false));
        if (options.PurgeData)
            events.Info("    --purge-data: the PostgreSQL and etcd data directories will be removed too");
        if (!Confirmed("destroy"))
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
        using var run = StackPreparation.Prepare(options, events, lockFor: "refresh");
        if (run is null)
            return ExitCodes.Failed;
        events.Phase($"Refreshing ({options.Stack}):");
        var context = Context(run, purgeData: false);
        var drifted = 0;
        foreach (var resource in run.State.Resources)
        {
            try
            {
                resource.Drift = Providers.Providers.For(resource.Type).Drift(context, resource);
            }
            catch (Exception e) when (IsHostFailure(e))
            {
                events.Problem($"error: {resource.Id}: {e.Message}");
                return ExitCodes.Failed;
            }
            if (resource.Drift is not null)
            {
                drifted++;
                events.Drift(resource);
            }
        }
        run.Store.Save(run.State);
        var asSteps = run.State.Resources.Select(r => new PlannedStep(StepOp.Same, r.Id, null, r, [])).ToList();
        events.Summary(new RunSummary(asSteps, Past: true, Drifted: drifted));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>hastack verify</c>: the failover proof on its own, on a deployed stack; its figures become outputs. With
    /// <paramref name="faults"/> (a list, or empty for all), the fault matrix instead: exit 1 when a fault exceeds its
    /// budget or an acknowledged write is lost.
    /// </summary>
    public int Verify(string? faults = null) => OnDeployedStack("verify", (run, context) => faults is not null ? VerifyFaults(run, context, faults) : Prove(run, context));

    /// <summary>Runs <paramref name="body"/> under the stack's lock, on a stack that is deployed, with a session per host.</summary>
    private int OnDeployedStack(string command, Func<PreparedRun, ApplyContext, int> body, bool takeLock = true)
    {
        using var run = StackPreparation.Prepare(options, events, lockFor: takeLock ? command : null);
        if (run is null)
            return ExitCodes.Failed;
        if (run.State.Resources.Count == 0)
        {
            events.Problem($"error: stack {options.Stack} is not deployed: run hastack up first");
            return ExitCodes.Failed;
        }
        return body(run, Context(run, purgeData: false));
    }

    private int Prove(PreparedRun run, ApplyContext context)
    {
        events.Phase($"Verifying ({options.Stack}): SQL through {run.Plan.Config.Vip.Address}, then the VIP holder's proxy stops");
        try
        {
            var figures = new FailoverProof(context).Run();
            RecordVerification(run.State.Outputs, figures);
            run.Store.Save(run.State);
            foreach (var (name, value) in figures)
                events.Info($"    {name}: {value}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is VerificationFailedException || IsHostFailure(e))
        {
            events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// <c>hastack status</c>: the deployed stack read from its hosts, changing nothing and taking no lock (it works
    /// while an <c>up</c> runs); exit 0 when healthy, 1 when degraded (each reason said).
    /// </summary>
    public int Status() => OnDeployedStack("status", (run, context) =>
    {
        var proof = FailoverProof.Figures.Where(run.State.Outputs.ContainsKey).ToDictionary(f => f, f => run.State.Outputs[f].Value, StringComparer.Ordinal);
        var status = new HaStack.Deploy.Status.StatusReader(run.Plan, context.Session).Read(options.Stack, proof) with
        {
            Certificates = HaStack.Deploy.Status.StatusReader.Certificates(run.State),
            AuthorityEnds = HaStack.Deploy.Status.StatusReader.AuthorityEnds(run.State),
        };
        var verdict = HaStack.Deploy.Status.StatusHealth.Judge(status, run.Plan);
        events.Status(status, verdict);
        return verdict.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
    }, takeLock: false);

    /// <summary><c>hastack switchover</c>: the primary handed to <paramref name="to"/> (default: the sync standby), PgBouncer paused around it.</summary>
    public int Switchover(string? to) => OnDeployedStack("switchover", (run, context) =>
    {
        events.Phase($"Switching over ({options.Stack})");
        try
        {
            var result = new Cluster.PlannedSwitchover(run.Plan, context.Session, context.Secrets.Value(SecretNames.PatroniRest), text => events.Info($"    {text}")).Run(to);
            new ClusterChecks(run.Plan, context.Session).WaitWhole("the cluster is whole after the switchover");
            events.Info($"    {result.To} is the primary ({result.From} was), after {result.Took.TotalSeconds:0.00} s; the cluster is whole");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is Cluster.SwitchoverException or VerificationFailedException || IsHostFailure(e))
        {
            events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    });

    private int VerifyFaults(PreparedRun run, ApplyContext context, string list)
    {
        var (faults, unknown) = Faults.Select(run.Plan.Topology, list);
        if (unknown.Count > 0)
        {
            events.Problem($"error: --faults: {string.Join(", ", unknown)}: not a fault; the faults are {string.Join(", ", Faults.For(run.Plan.Topology).Select(f => f.Name))}");
            return ExitCodes.Usage;
        }
        events.Phase($"Fault matrix ({options.Stack}): {faults.Count} fault(s), one at a time, while a client writes through {run.Plan.Config.Vip.Address}");
        try
        {
            var matrix = new FaultMatrix(run.Plan, context.Session, context.Secrets.Value(SecretNames.PostgresSuperuser), context.Secrets.Value(SecretNames.PatroniRest),
                text => events.Info($"  {text}"));
            var (outcomes, lost) = matrix.Run(faults, events.FaultMeasured);
            if (lost.Count > 0)
                events.Problem($"error: {lost.Count} acknowledged write(s) lost: {string.Join("; ", lost.Take(20))}");
            else
                events.Info($"    no acknowledged write lost ({outcomes.Sum(o => o.Figures.Acknowledged)} acknowledged during the faults)");
            var over = outcomes.Where(o => !o.WithinBudget).ToList();
            if (over.Count > 0)
                events.Problem($"error: {string.Join("; ", over.Select(o => $"{o.Fault.Name}: {o.Verdict}"))}");
            return over.Count == 0 && lost.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception e) when (e is VerificationFailedException || e is Npgsql.NpgsqlException || IsHostFailure(e))
        {
            events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// <c>hastack verify --from-engine</c>: the failover proof for the Pulumi program, which runs it as a local
    /// command. Standard input is one JSON object: <c>project</c>, <c>stack</c>, <c>config</c> and <c>secretKeys</c> as the
    /// Pulumi engine gave them, and <c>superuserPassword</c>. No state and no passphrase: the figures are reported
    /// (and, with --json, printed as an "outputs" line), not recorded.
    /// </summary>
    public int VerifyFromEngine(string input)
    {
        string project, stack, password;
        Dictionary<string, string> config;
        List<string> secretKeys;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(input);
            var root = json.RootElement;
            project = root.GetProperty("project").GetString()!;
            stack = root.GetProperty("stack").GetString()!;
            password = root.GetProperty("superuserPassword").GetString()!;
            config = root.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            secretKeys = root.GetProperty("secretKeys").EnumerateArray().Select(k => k.GetString()!).ToList();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            events.Problem($"error: --from-engine reads one JSON object on standard input (project, stack, config, secretKeys, superuserPassword): {e.Message}");
            return ExitCodes.Usage;
        }
        events.Mask([password]);
        var loaded = Infra.StackPipeline.LoadFromEngine(project, stack, config, secretKeys);
        foreach (var diagnostic in loaded.Diagnostics)
            events.Problem(diagnostic.ToString());
        if (loaded.Config is not { } stackConfig)
            return ExitCodes.Failed;
        if (StackPreparation.KeyProblem(stackConfig) is { } keyProblem)
        {
            events.Problem($"error: {keyProblem}");
            return ExitCodes.Failed;
        }
        var plan = Infra.StackPipeline.Plan(stackConfig);
        using var sessions = new SessionPool(stackConfig, new StackState());
        events.Phase($"Verifying ({stack}): SQL through {stackConfig.Vip.Address}, then the VIP holder's proxy stops");
        try
        {
            var figures = new FailoverProof(plan, sessions.Get, password).Run();
            events.Outputs(figures.ToDictionary(f => f.Key, f => new OutputValue(f.Value, false), StringComparer.Ordinal));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is VerificationFailedException || IsHostFailure(e))
        {
            events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    internal static bool IsHostFailure(Exception e) =>
        e is RemoteCommandException or HostKeyMismatchException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or InvalidOperationException;

    private bool Confirmed(string what)
    {
        if (options.Yes || options.SkipPreview)
            return true;
        if (options.Confirm is null)
        {
            events.Problem("error: --yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
            return false;
        }
        return options.Confirm(what);
    }

    private ApplyContext Context(PreparedRun run, bool purgeData) =>
        new(run.Plan, run.Secrets, run.Sessions.Get, events.Info, purgeData) { AgentBinary = () => AgentArtifact.Read(run.AgentBinary) };

    private int Apply(PreparedRun run, IReadOnlyList<PlannedStep> steps, string verb, bool purgeData)
    {
        var clock = Stopwatch.StartNew();
        var sessions = run.Sessions;
        var context = Context(run, purgeData);
        // every host with work to do is reached first: an unreachable host or a wrong host key stops the run before any change
        var hosts = steps.Where(s => s.IsChange && s.Host is not null).Select(s => s.Host!).Distinct().ToList();
        try
        {
            Parallel.ForEach(hosts, h => sessions.Get(h));
        }
        catch (AggregateException e)
        {
            foreach (var inner in e.InnerExceptions)
                events.Problem($"error: {inner.Message}");
            events.Problem("no change was made");
            return ExitCodes.Failed;
        }
        events.Phase($"{verb} ({options.Stack}):");
        var reports = display.Show($"{verb} {options.Stack}", (started, finished) =>
        {
            var runner = new StepRunner(context, run.State, run.Store, options.Parallelism, r =>
            {
                finished(r.Step);
                if (r.Step.IsChange || r.Outcome != StepOutcome.Done)
                    events.StepFinished(r);
                if (r.Outcome == StepOutcome.Done)
                    events.Mask(context.Secrets.Plaintexts());
            })
            { Started = started };
            return runner.Run(steps, cancel);
        });
        var notDone = reports.Where(r => r.Outcome != StepOutcome.Done).Select(r => r.Step.Id).ToHashSet();
        events.Summary(new RunSummary(steps, Past: true, notDone, clock.Elapsed, options.LogPath));
        if (cancel.IsCancellationRequested)
        {
            events.Problem("cancelled: steps in flight finished and were recorded; run up again to continue");
            return ExitCodes.Cancelled;
        }
        var failed = reports.Count(r => r.Outcome == StepOutcome.Failed);
        if (failed > 0)
        {
            events.Problem($"{failed} step(s) failed; what succeeded is recorded, and the next up resumes from there");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private void WriteOutputs(PreparedRun run)
    {
        var config = run.Plan.Config;
        var secrets = run.Secrets;
        var (writes, reads) = run.Plan.Topology.ClientPorts;
        var outputs = run.State.Outputs;
        outputs["vipAddress"] = new OutputValue(config.Vip.Address, false);
        // with TLS the connection strings check the server against the cluster's CA (caCertificate, saved where libpq
        // looks by default: ~/.postgresql/root.crt) and its name against the VIP
        var checks = config.Tls.Enabled ? "?sslmode=verify-full" : "";
        outputs["writer"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{writes}/postgres{checks}", false);
        if (reads is { } r)
            outputs["reader"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{r}/postgres{checks}", false);
        if (secrets.Has(TlsSecrets.CaCertificate))
            outputs["caCertificate"] = new OutputValue(secrets.Value(TlsSecrets.CaCertificate), false);
        outputs["postgresPassword"] = new OutputValue(secrets.Encrypt(secrets.Value(SecretNames.PostgresSuperuser)), true);
        if (run.State.Resources.FirstOrDefault(res => res.Type == ResourceTypes.Verification) is { } verified)
            RecordVerification(outputs, verified.Outputs);
        run.Store.Save(run.State);
        events.Outputs(outputs);
    }

    private static void RecordVerification(SortedDictionary<string, OutputValue> outputs, IReadOnlyDictionary<string, string> figures)
    {
        foreach (var (name, value) in figures.Where(f => f.Key != "enabled"))
            outputs[name] = new OutputValue(value, false);
    }

    /// <summary>A plan no step of which may run (<see cref="PlanLimits"/>): said, and nothing is touched.</summary>
    private bool Refused(IReadOnlyList<PlannedStep> steps)
    {
        var problems = PlanLimits.Problems(steps);
        foreach (var problem in problems)
            events.Problem($"error: {problem}");
        if (problems.Count > 0)
            events.Problem("no change was made");
        return problems.Count > 0;
    }

    private int Verdict(IReadOnlyList<PlannedStep> steps)
    {
        if (options.ExpectNoChanges && steps.Any(s => s.IsChange))
        {
            events.Problem("error: no changes were expected but changes were proposed");
            return ExitCodes.ChangesProposed;
        }
        return ExitCodes.Ok;
    }
}
