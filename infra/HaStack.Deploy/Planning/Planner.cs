using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>
/// Graph against state → steps: create what state lacks, update (or replace, as the resource's kind says) what
/// changed or drifted, delete what the graph no longer has. Creates and updates come in the graph's dependency
/// order; then deletes, in reverse order of the state's dependencies; then the proof. The orchestration the diff calls for
/// (<see cref="ClusterSteps"/>) is planned around them. What a change means is the resource kind's
/// (<see cref="ResourceKinds"/>): the planner knows no type by name.
/// </summary>
internal static class Planner
{
    /// <param name="secretVersion">a secret's version now (null while it does not exist): a resource applied with
    /// another version of one of its secrets (a rotated password) is applied again</param>
    public static IReadOnlyList<PlannedStep> Plan(ResourceGraph graph, StackState state, Func<string, string?>? secretVersion = null)
    {
        var steps = new List<PlannedStep>();
        foreach (var resource in graph.Resources)
        {
            var recorded = state.Find(resource.Id);
            if (recorded is null)
                steps.Add(new PlannedStep(StepOp.Create, resource.Id, resource, null, InputDiff.Same));
            else if (recorded.InputHash != resource.InputHash || recorded.Drift is not null)
            {
                var kind = ResourceKinds.Of(resource.Type);
                var op = kind.OnChange == ChangeKind.Replace ? StepOp.Replace : StepOp.Update;
                var diff = recorded.InputHash == resource.InputHash ? InputDiff.Same : kind.Diff(recorded.Spec, resource.Spec);
                steps.Add(new PlannedStep(op, resource.Id, resource, recorded, diff, Drifted: recorded.Drift is not null,
                    Reason: kind.NoteOnChange?.Invoke(diff.Paths)));
            }
            else if (ChangedSecrets(resource, recorded, secretVersion) is { Count: > 0 } rotated)
                steps.Add(new PlannedStep(StepOp.Update, resource.Id, resource, recorded, InputDiff.Same,
                    Reason: $"secret {string.Join(", ", rotated)} changed", SecretRotated: true));
            else
                steps.Add(new PlannedStep(StepOp.Same, resource.Id, resource, recorded, InputDiff.Same));
        }
        // what carries a secret issued anew in this run (a password replaced, a certificate renewed) is written again
        var issuing = steps.Where(s => s.IsChange && ResourceKinds.Of(s.Type).IssuesSecrets).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count && issuing.Count > 0; i++)
        {
            var step = steps[i];
            if (step.Op != StepOp.Same || step.Desired!.SecretRefs.Count == 0 || step.Desired.DependsOn.FirstOrDefault(issuing.Contains) is not { } issuer)
                continue;
            var kind = ResourceKinds.Of(step.Type);
            steps[i] = step with { Op = kind.OnChange == ChangeKind.Replace ? StepOp.Replace : StepOp.Update, Reason = $"{issuer} issues its secrets anew", SecretRotated = true };
            // in dependency order, so a certificate renewed for a new CA passes it on to the files that carry it
            if (kind.IssuesSecrets)
                issuing.Add(step.Id);
        }
        // what reads a file rewritten without an input change (drift repaired, a secret rotated) reads it again
        var repaired = steps.Where(s => s.Drifted || s.SecretRotated)
            .ToDictionary(s => s.Id, s => s.Desired!.Spec, StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Op != StepOp.Same)
                continue;
            var kind = ResourceKinds.Of(step.Type);
            var touched = kind.DiffAfterRepairOf is { } diffAfter
                ? step.Desired!.DependsOn.Where(repaired.ContainsKey).Select(d => diffAfter(step.Desired.Spec, repaired[d])).OfType<InputDiff>().ToList()
                : [];
            if (touched.Count > 0)
                steps[i] = step with
                {
                    Op = StepOp.Update,
                    Diff = new InputDiff(ChangeKind.Update, [.. touched.SelectMany(t => t.Changes)], touched.Max(t => t.Effect)),
                    Reason = "a file it reads was repaired",
                };
        }
        var changed = steps.Any(s => s.IsChange) || state.Resources.Any(r => !graph.Contains(r.Id));
        for (var i = 0; i < steps.Count && changed; i++)
        {
            if (steps[i].Op == StepOp.Same && ResourceKinds.Of(steps[i].Type).RerunsAfterAnyChange)
                steps[i] = steps[i] with { Op = StepOp.Update, Reason = "the deployment changed" };
        }
        var gone = state.Resources.Where(r => !graph.Contains(r.Id)).ToList();
        var last = steps.Where(s => ResourceKinds.Of(s.Type).RerunsAfterAnyChange).ToList();
        steps.RemoveAll(last.Contains);
        foreach (var recorded in ReverseDependencyOrder(gone))
            steps.Add(new PlannedStep(StepOp.Delete, recorded.Id, null, recorded, InputDiff.Same));
        // what proves the deployment comes after everything, deletes included: it must see the stack as it now is
        steps.AddRange(last);
        return ClusterSteps.Around(steps, state);
    }

    /// <summary>Every resource of state, dependents first: the order destroy takes.</summary>
    public static IReadOnlyList<PlannedStep> PlanDestroy(StackState state) =>
        ReverseDependencyOrder(state.Resources).Select(r => new PlannedStep(StepOp.Delete, r.Id, null, r, InputDiff.Same)).ToList();

    /// <summary>The secrets whose version now differs from the one the resource was applied with (none when state has no versions).</summary>
    private static List<string> ChangedSecrets(Resource resource, ResourceState recorded, Func<string, string?>? secretVersion) =>
        secretVersion is null || recorded.SecretVersions is null ? []
            : resource.SecretRefs.Where(n => recorded.SecretVersions.TryGetValue(n, out var was) && secretVersion(n) is { } now && now != was)
                .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Dependents before what they depend on; among the ready ones, the latest in state first (and past a cycle, the
    /// latest left). A heap of ready positions keeps it O(n log n): a large state must not take minutes to plan.
    /// </summary>
    private static IEnumerable<ResourceState> ReverseDependencyOrder(List<ResourceState> resources)
    {
        var position = new Dictionary<string, int>(resources.Count, StringComparer.Ordinal);
        for (var i = 0; i < resources.Count; i++)
            position.TryAdd(resources[i].Id, i);
        var dependents = new int[resources.Count];
        foreach (var r in resources)
            foreach (var d in r.DependsOn)
                if (position.TryGetValue(d, out var at))
                    dependents[at]++;
        var remaining = new SortedSet<int>(Enumerable.Range(0, resources.Count));
        var ready = new PriorityQueue<int, int>();
        foreach (var i in remaining.Where(i => dependents[i] == 0))
            ready.Enqueue(i, -i);
        while (remaining.Count > 0)
        {
            int next;
            do
                next = ready.TryDequeue(out var i, out _) ? i : remaining.Max;
            while (!remaining.Contains(next));
            remaining.Remove(next);
            yield return resources[next];
            foreach (var d in resources[next].DependsOn)
                if (position.TryGetValue(d, out var at) && --dependents[at] == 0 && remaining.Contains(at))
                    ready.Enqueue(at, -at);
        }
    }
}
