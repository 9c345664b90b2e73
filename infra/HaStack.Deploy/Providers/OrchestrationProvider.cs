using HaStack.Deploy.Planning;
using HaStack.Deploy.State;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A step the planner derives from the diff (<see cref="Planning.ClusterSteps"/>): it acts once, at its place in the
/// run, and is never recorded, so there is nothing to delete or read back.
/// </summary>
internal abstract class OrchestrationProvider : IResourceProvider
{
    public abstract IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change);

    public void Delete(ApplyContext context, ResourceState recorded) =>
        throw new InvalidOperationException($"{recorded.Id} is orchestration, which state never records");

    public string? Drift(ApplyContext context, ResourceState recorded) => null;
}
