using System.Diagnostics;
using HaStack.Deploy.Agent;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;

namespace HaStack.Deploy.Engine;

/// <summary>What a verb runs with: the command's options, where it reports, how a run is shown, and the user's Ctrl-C.</summary>
internal sealed record VerbSetting(OperationOptions Options, IRunEvents Events, IRunDisplay Display, CancellationToken Cancel);

/// <summary>
/// What every verb over a prepared run shares: the options, the events it reports through, the confirmation, the
/// context providers work in, the plan's refusal and verdict, and applying planned steps (<see cref="Apply"/>).
/// </summary>
internal abstract class StackVerb(VerbSetting setting)
{
    protected OperationOptions Options => setting.Options;
    protected IRunEvents Events => setting.Events;
    protected IRunDisplay Display => setting.Display;
    protected CancellationToken Cancel => setting.Cancel;

    /// <summary>Runs <paramref name="body"/> under the stack's lock, on a stack that is deployed, with a session per host.</summary>
    protected int OnDeployedStack(string command, Func<PreparedRun, ApplyContext, int> body, bool takeLock = true)
    {
        using var run = StackPreparation.Prepare(Options, Events, lockFor: takeLock ? command : null);
        if (run is null)
            return ExitCodes.Failed;
        if (run.State.Resources.Count == 0)
        {
            Events.Problem($"error: stack {Options.Stack} is not deployed: run hastack up first");
            return ExitCodes.Failed;
        }
        return body(run, Context(run, purgeData: false));
    }

    /// <summary>
    /// A failure that comes from a host: not reached, an operation failed there, a wrong host key, the connection lost
    /// mid-run. Reported as one error line; anything else is a fault of HaStack's own and is not caught as one.
    /// </summary>
    internal static bool IsHostFailure(Exception e) =>
        e is HostUnreachableException or HostOperationException or HostKeyMismatchException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException;

    protected bool Confirmed(string what)
    {
        if (Options.Yes || Options.SkipPreview)
            return true;
        if (Options.Confirm is null)
        {
            Events.Problem("error: --yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
            return false;
        }
        return Options.Confirm(what);
    }

    protected ApplyContext Context(PreparedRun run, bool purgeData) =>
        new(run.Plan, run.Secrets, run.Sessions.Get, Events.Info, purgeData) { AgentBinary = () => AgentArtifact.Read(run.AgentBinary) };

    protected int Apply(PreparedRun run, IReadOnlyList<PlannedStep> steps, string verb, bool purgeData)
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
                Events.Problem($"error: {inner.Message}");
            Events.Problem("no change was made");
            return ExitCodes.Failed;
        }
        Events.Phase($"{verb} ({Options.Stack}):");
        var reports = Display.Show($"{verb} {Options.Stack}", (started, finished) =>
        {
            var runner = new StepRunner(context, run.State, run.Store, Options.Parallelism, r =>
            {
                finished(r.Step);
                if (r.Step.IsChange || r.Outcome != StepOutcome.Done)
                    Events.StepFinished(r);
                if (r.Outcome == StepOutcome.Done)
                    Events.Mask(context.Secrets.Plaintexts());
            })
            { Started = started };
            return runner.Run(steps, Cancel);
        });
        var notDone = reports.Where(r => r.Outcome != StepOutcome.Done).Select(r => r.Step.Id).ToHashSet();
        Events.Summary(new RunSummary(steps, Past: true, notDone, clock.Elapsed, Options.LogPath));
        if (Cancel.IsCancellationRequested)
        {
            Events.Problem("cancelled: steps in flight finished and were recorded; run up again to continue");
            return ExitCodes.Cancelled;
        }
        var failed = reports.Count(r => r.Outcome == StepOutcome.Failed);
        if (failed > 0)
        {
            Events.Problem($"{failed} step(s) failed; what succeeded is recorded, and the next up resumes from there");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    protected static void RecordVerification(SortedDictionary<string, OutputValue> outputs, IReadOnlyDictionary<string, string> figures)
    {
        foreach (var (name, value) in figures.Where(f => f.Key != "enabled"))
            outputs[name] = new OutputValue(value, false);
    }

    /// <summary>A plan no step of which may run (<see cref="PlanLimits"/>): said, and nothing is touched.</summary>
    protected bool Refused(IReadOnlyList<PlannedStep> steps)
    {
        var problems = PlanLimits.Problems(steps);
        foreach (var problem in problems)
            Events.Problem($"error: {problem}");
        if (problems.Count > 0)
            Events.Problem("no change was made");
        return problems.Count > 0;
    }

    protected int Verdict(IReadOnlyList<PlannedStep> steps)
    {
        if (Options.ExpectNoChanges && steps.Any(s => s.IsChange))
        {
            Events.Problem("error: no changes were expected but changes were proposed");
            return ExitCodes.ChangesProposed;
        }
        return ExitCodes.Ok;
    }
}
