using HaStack.Deploy.Planning;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack refresh</c>: what each recorded resource is on its host now, recorded as drift.</summary>
internal sealed class RefreshVerb(VerbSetting setting) : StackVerb(setting)
{
    /// <summary>Reads every applied resource back from its host and records drift in state; changes no host.</summary>
    public int Run()
    {
        using var run = StackPreparation.Prepare(Options, Events, lockFor: "refresh");
        if (run is null)
            return ExitCodes.Failed;
        Events.Phase($"Refreshing ({Options.Stack}):");
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
                Events.Problem($"error: {resource.Id}: {e.Message}");
                return ExitCodes.Failed;
            }
            if (resource.Drift is not null)
            {
                drifted++;
                Events.Drift(resource);
            }
        }
        run.Store.Save(run.State);
        var asSteps = run.State.Resources.Select(r => new PlannedStep(StepOp.Same, r.Id, null, r, InputDiff.Same)).ToList();
        Events.Summary(new RunSummary(asSteps, Past: true, Drifted: drifted));
        return ExitCodes.Ok;
    }
}
