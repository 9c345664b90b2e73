using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>Pulumi's operations, with their display symbols.</summary>
internal enum StepOp
{
    Same,
    Create,
    Update,
    Delete,
    Replace,
}

/// <summary>
/// One planned operation: the resource as the graph wants it (null for a delete) and as state has it (null for a
/// create); what differs between them, as the resource's kind judges it (<see cref="Diff"/>), and whether refresh found the
/// host no longer matching (<see cref="Drifted"/>).
/// <see cref="Reason"/> says why a step with no changed input runs anyway (the proof after a change);
/// <see cref="SecretRotated"/>, that it runs again because a secret it was applied with changed. <see cref="After"/>:
/// steps the planner added that this one waits for beyond its resource's dependencies (an etcd member's join).
/// </summary>
internal sealed record PlannedStep(StepOp Op, string Id, Resource? Desired, ResourceState? Recorded, InputDiff Diff,
    bool Drifted = false, string? Reason = null, bool SecretRotated = false, IReadOnlyList<string>? After = null)
{
    /// <summary>The paths of the inputs that differ (<see cref="InputChange.Path"/>).</summary>
    public IReadOnlyList<string> ChangedKeys => Diff.Paths;

    /// <summary>What this step waits for: its resource's dependencies and the planner's <see cref="After"/>.</summary>
    public IEnumerable<string> WaitsFor => (Desired?.DependsOn ?? []).Concat(After ?? []);

    public string Type => Desired?.Type ?? Recorded!.Type;
    public string Name => Desired?.Name ?? Recorded!.Name;
    public string? Host => Desired is not null ? Desired.Host : Recorded!.Host;
    public bool IsChange => Op != StepOp.Same;

    public static string Symbol(StepOp op) => op switch
    {
        StepOp.Create => "+ ",
        StepOp.Update => "~ ",
        StepOp.Delete => "- ",
        StepOp.Replace => "+-",
        _ => "  ",
    };
}
