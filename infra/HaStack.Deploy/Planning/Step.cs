using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>Pulumi's operations, with their display symbols.</summary>
public enum StepOp
{
    Same,
    Create,
    Update,
    Delete,
    Replace,
}

/// <summary>One planned operation: the resource as the graph wants it (null for a delete) and as state has it (null for a create).</summary>
public sealed record PlannedStep(StepOp Op, string Id, Resource? Desired, ResourceState? Recorded, IReadOnlyList<string> ChangedKeys)
{
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
