using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>
/// Graph against state → steps: create what state lacks, update what changed (or drifted), replace a password
/// whose recipe changed, delete what the graph no longer has. Creates and updates come in the graph's
/// dependency order; deletes last, in reverse order of the state's dependencies.
/// </summary>
public static class Planner
{
    public static IReadOnlyList<PlannedStep> Plan(ResourceGraph graph, StackState state)
    {
        var steps = new List<PlannedStep>();
        foreach (var resource in graph.Resources)
        {
            var recorded = state.Find(resource.Id);
            if (recorded is null)
                steps.Add(new PlannedStep(StepOp.Create, resource.Id, resource, null, resource.Inputs.Keys.ToList()));
            else if (recorded.InputHash != resource.InputHash || recorded.Drift is not null)
            {
                var changed = ChangedKeys(recorded.Inputs, resource.Inputs);
                if (recorded.Drift is not null)
                    changed.Add("drift");
                var op = resource.Type == ResourceTypes.Password ? StepOp.Replace : StepOp.Update;
                steps.Add(new PlannedStep(op, resource.Id, resource, recorded, changed));
            }
            else
                steps.Add(new PlannedStep(StepOp.Same, resource.Id, resource, recorded, []));
        }
        // a file repaired after drift changes nothing in the graph, but the service that read the hand-edited copy
        // must read it again: the service gets the file's own reload:/restart: key
        var repaired = steps.Where(s => s.Type == ResourceTypes.File && s.ChangedKeys.Contains("drift")).ToDictionary(s => s.Id, s => s.Desired!.Inputs["path"]);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Type != ResourceTypes.Service || step.Op != StepOp.Same)
                continue;
            var keys = step.Desired!.DependsOn.Where(repaired.ContainsKey)
                .Select(f => step.Desired.Inputs.Keys.First(k => k.EndsWith(":" + repaired[f], StringComparison.Ordinal))).ToList();
            if (keys.Count > 0)
                steps[i] = step with { Op = StepOp.Update, ChangedKeys = keys };
        }
        // the verification proves a deployment: it runs again whenever anything else changes, and not on a no-op up
        var verification = steps.FindIndex(s => s.Type == ResourceTypes.Verification && s.Op == StepOp.Same);
        if (verification >= 0 && steps.Any(s => s.IsChange))
            steps[verification] = steps[verification] with { Op = StepOp.Update, ChangedKeys = ["deployment changed"] };
        var gone = state.Resources.Where(r => !graph.Contains(r.Id)).ToList();
        foreach (var recorded in ReverseDependencyOrder(gone))
            steps.Add(new PlannedStep(StepOp.Delete, recorded.Id, null, recorded, []));
        return steps;
    }

    /// <summary>Every resource of state, dependents first: the order destroy takes.</summary>
    public static IReadOnlyList<PlannedStep> PlanDestroy(StackState state) =>
        ReverseDependencyOrder(state.Resources).Select(r => new PlannedStep(StepOp.Delete, r.Id, null, r, [])).ToList();

    private static List<string> ChangedKeys(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<ResourceState> ReverseDependencyOrder(IReadOnlyList<ResourceState> resources)
    {
        var ids = resources.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var dependents = resources.ToDictionary(r => r.Id, _ => 0, StringComparer.Ordinal);
        foreach (var r in resources)
            foreach (var d in r.DependsOn.Where(ids.Contains))
                dependents[d]++;
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = resources.ToList();
        while (remaining.Count > 0)
        {
            // nothing left depends on it: it can go (state order breaks ties, last first)
            var next = remaining.LastOrDefault(r => dependents[r.Id] == 0) ?? remaining[^1];
            yield return next;
            remaining.Remove(next);
            foreach (var d in next.DependsOn.Where(ids.Contains))
                dependents[d]--;
        }
    }
}
