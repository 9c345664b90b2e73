using HaStack.Deploy.Planning;
using HaStack.Deploy.State;

namespace HaStack.Deploy.Engine;

/// <summary>How a line is shown on a terminal: by what it reports, never by parsing its text.</summary>
internal enum LineStyle
{
    Plain,
    Create,
    Update,
    Delete,
    Replace,
    Failure,
}

/// <summary>
/// What a run reports, as typed events: the plan, each step as it finishes, drift found, the summary, the outputs,
/// and messages. The CLI chooses how they look (<c>TextRunEvents</c> for people, <c>JsonRunEvents</c>
/// for programs); the operations never format text themselves.
/// </summary>
internal interface IRunEvents
{
    /// <summary>A run's work begins (updating, destroying, refreshing, verifying).</summary>
    void Phase(string title);

    void Plan(string header, IReadOnlyList<PlannedStep> steps, bool diff);

    void StepFinished(StepReport report);

    void Drift(ResourceState resource);

    void Summary(RunSummary summary);

    void Outputs(IReadOnlyDictionary<string, OutputValue> outputs);

    /// <summary>One fault of <c>verify --faults</c> measured: what a client writing through the VIP saw.</summary>
    void FaultMeasured(Verification.FaultOutcome outcome);

    /// <summary><c>hastack status</c>: the stack as read from its hosts, and what is degraded or worth a look.</summary>
    void Status(Status.StackStatus status, Status.StatusHealth.Verdict verdict);

    void Info(string text);

    void Warning(string text);

    void Problem(string text);

    /// <summary>Secrets known from now on, to be masked wherever they would appear.</summary>
    void Mask(IReadOnlyList<string> plaintexts);
}

/// <summary>The end of a plan or a run: its steps, which were not done, how long it took and where its log is.</summary>
internal sealed record RunSummary(IReadOnlyList<PlannedStep> Steps, bool Past, IReadOnlySet<string>? NotDone = null, TimeSpan? Duration = null,
    string? LogPath = null, int Drifted = -1)
{
    /// <summary>Changes by kind, as they count in Pulumi's summary (a step not done does not count).</summary>
    public IReadOnlyDictionary<StepOp, int> Changes => Steps.Where(s => s.IsChange && (NotDone is null || !NotDone.Contains(s.Id)))
        .GroupBy(s => s.Op).ToDictionary(g => g.Key, g => g.Count());

    public int Unchanged => Steps.Count(s => s.Op == StepOp.Same);
}
