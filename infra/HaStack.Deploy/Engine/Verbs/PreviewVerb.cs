using HaStack.Deploy.Planning;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack preview</c>: the plan against state, reported; no host is touched, no lock is taken.</summary>
internal sealed class PreviewVerb(VerbSetting setting) : StackVerb(setting)
{
    public int Run()
    {
        using var run = StackPreparation.Prepare(Options, Events, lockFor: null);
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.Plan(run.Plan.Graph, run.State, run.Secrets.Version);
        Events.Plan($"Previewing update ({Options.Stack})", steps, Options.Diff);
        Events.Summary(new RunSummary(steps, Past: false));
        return Refused(steps) ? ExitCodes.Failed : Verdict(steps);
    }
}
