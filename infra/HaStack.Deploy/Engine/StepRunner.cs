using System.Diagnostics;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Engine;

internal enum StepOutcome
{
    Done,
    Failed,
    Skipped,
}

/// <summary>What happened to one step, for the display and the run log.</summary>
internal sealed record StepReport(PlannedStep Step, StepOutcome Outcome, TimeSpan Elapsed, string? Message);

/// <summary>
/// Carries out planned steps: creates and updates in dependency order, independent ones in parallel (bounded),
/// then deletes one by one. State is saved after every step that succeeds, so a failure or Ctrl-C leaves state
/// that says exactly what is done; a failed step's dependents are skipped and the next up resumes there.
/// </summary>
internal sealed class StepRunner(ApplyContext context, StackState state, StateStore store, int parallelism, Action<StepReport> report)
{
    /// <summary>Told when a step begins its work (a live display shows what is in flight).</summary>
    public Action<PlannedStep>? Started { get; init; }

    // the state's own monitor: SecretStore takes it too, so a save never meets a half-made password
    private object Gate => state;

    public IReadOnlyList<StepReport> Run(IReadOnlyList<PlannedStep> steps, CancellationToken cancel)
    {
        var reports = new List<StepReport>();
        void Record(StepReport r)
        {
            lock (Gate)
                reports.Add(r);
            report(r);
        }

        RecordHosts(steps);
        // what prepares a leaving host's removal (its agent stopped, the primary handed over, its etcd member removed)
        // runs before anything else, one step at a time: the first updates already rewrite the staying hosts without it
        static bool First(PlannedStep s) => s.Op != StepOp.Delete && ResourceKinds.Of(s.Type).RunsFirst;
        var failedFirst = false;
        foreach (var step in steps.Where(First))
        {
            if (failedFirst || cancel.IsCancellationRequested)
                Record(new StepReport(step, StepOutcome.Skipped, TimeSpan.Zero, cancel.IsCancellationRequested ? "cancelled" : "an earlier step failed"));
            else if (Execute(step, Record) != StepOutcome.Done)
                failedFirst = true;
        }
        var outcomes = new Dictionary<string, Task<StepOutcome>>(StringComparer.Ordinal);
        using var slots = new SemaphoreSlim(parallelism);
        // what proves the deployment (the failover proof) goes last, after the deletes: it must see the stack as it now is
        static bool Last(PlannedStep s) => s.Op != StepOp.Delete && ResourceKinds.Of(s.Type).RerunsAfterAnyChange;
        foreach (var step in steps.Where(s => s.Op != StepOp.Delete && !Last(s) && !First(s)))
        {
            if (failedFirst)
            {
                Record(new StepReport(step, StepOutcome.Skipped, TimeSpan.Zero, "an earlier step failed"));
                outcomes[step.Id] = Task.FromResult(StepOutcome.Skipped);
                continue;
            }
            var deps = step.WaitsFor.Select(d => outcomes.GetValueOrDefault(d)).OfType<Task<StepOutcome>>().ToArray();
            outcomes[step.Id] = RunAfter(step, deps, slots, Record, cancel);
        }
        Task.WaitAll(outcomes.Values.ToArray<Task>(), CancellationToken.None);
        var failedBefore = failedFirst || outcomes.Values.Any(t => t.Result != StepOutcome.Done);
        foreach (var step in steps.Where(s => s.Op == StepOp.Delete || Last(s)).OrderBy(Last))
        {
            if (failedBefore || cancel.IsCancellationRequested)
            {
                Record(new StepReport(step, StepOutcome.Skipped, TimeSpan.Zero, cancel.IsCancellationRequested ? "cancelled" : "an earlier step failed"));
                continue;
            }
            if (step.Op != StepOp.Same && Execute(step, Record) != StepOutcome.Done)
                failedBefore = true;
        }
        ForgetEmptyHosts();
        return reports;
    }

    /// <summary>How each host with work is reached, recorded before any step: a host later removed from the stack can still be cleaned up.</summary>
    private void RecordHosts(IReadOnlyList<PlannedStep> steps)
    {
        lock (Gate)
        {
            foreach (var host in context.Plan.Config.Hosts.Where(h => steps.Any(s => s.Host == h.Name && s.Op != StepOp.Delete)))
                state.Hosts[host.Name] = new HostRecord(host.Address, host.SshPort, host.SshUser, host.HostKey, context.Plan.Config.Release.Number);
            store.Save(state);
        }
    }

    /// <summary>A host with no resources left (removed from the stack, everything deleted) needs no connection record.</summary>
    private void ForgetEmptyHosts()
    {
        lock (Gate)
        {
            foreach (var name in state.Hosts.Keys.Where(h => state.Resources.All(r => r.Host != h)).ToList())
                state.Hosts.Remove(name);
            store.Save(state);
        }
    }

    private async Task<StepOutcome> RunAfter(PlannedStep step, Task<StepOutcome>[] deps, SemaphoreSlim slots, Action<StepReport> record, CancellationToken cancel)
    {
        var depOutcomes = await Task.WhenAll(deps).ConfigureAwait(false);
        if (depOutcomes.Any(o => o != StepOutcome.Done))
        {
            record(new StepReport(step, StepOutcome.Skipped, TimeSpan.Zero, "a resource it depends on failed"));
            return StepOutcome.Skipped;
        }
        if (step.Op == StepOp.Same)
            return StepOutcome.Done;
        if (cancel.IsCancellationRequested)
        {
            record(new StepReport(step, StepOutcome.Skipped, TimeSpan.Zero, "cancelled"));
            return StepOutcome.Skipped;
        }
        await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Execute(step, record), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private StepOutcome Execute(PlannedStep step, Action<StepReport> record)
    {
        var clock = Stopwatch.StartNew();
        Started?.Invoke(step);
        try
        {
            var provider = Providers.Providers.For(step.Type);
            if (step.Op == StepOp.Delete)
            {
                provider.Delete(context, step.Recorded!);
                lock (Gate)
                {
                    state.Remove(step.Id);
                    store.Save(state);
                }
            }
            else
            {
                var outputs = provider.Apply(context, step);
                var desired = step.Desired!;
                // orchestration is not recorded: the delete or create it prepares is, and derives it again until done
                if (!ResourceKinds.Of(step.Type).Transient)
                {
                    lock (Gate)
                    {
                        state.Put(ResourceState.Of(desired, outputs, desired.SecretRefs.Count == 0 ? null
                            : new SortedDictionary<string, string>(desired.SecretRefs.Where(context.Secrets.Has).ToDictionary(n => n, n => context.Secrets.Version(n)!), StringComparer.Ordinal)));
                        store.Save(state);
                    }
                }
            }
            record(new StepReport(step, StepOutcome.Done, clock.Elapsed, null));
            return StepOutcome.Done;
        }
#pragma warning disable CA1031 // a step's failure of any kind is reported and stops its dependents, never the whole process
        catch (Exception e)
#pragma warning restore CA1031
        {
            record(new StepReport(step, StepOutcome.Failed, clock.Elapsed, e.Message));
            return StepOutcome.Failed;
        }
    }
}
