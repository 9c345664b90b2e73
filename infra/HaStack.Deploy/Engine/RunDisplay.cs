using HaStack.Deploy.Planning;

namespace HaStack.Deploy.Engine;

/// <summary>
/// How a run shows its steps while they happen. The engine prints finished steps as lines either way; a live
/// display adds what is in flight on each host (the CLI's, on a terminal). Plain output needs nothing more.
/// </summary>
internal interface IRunDisplay
{
    /// <summary>Runs <paramref name="apply"/>, giving it callbacks for steps that start and finish.</summary>
    T Show<T>(string title, Func<Action<PlannedStep>, Action<PlannedStep>, T> apply);
}

/// <summary>Plain lines only: for pipes, logs and CI.</summary>
internal sealed class PlainRunDisplay : IRunDisplay
{
    public static readonly PlainRunDisplay Instance = new();

    public T Show<T>(string title, Func<Action<PlannedStep>, Action<PlannedStep>, T> apply) => apply(_ => { }, _ => { });
}
