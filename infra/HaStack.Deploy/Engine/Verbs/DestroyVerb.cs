using HaStack.Deploy.Planning;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack destroy</c>: every recorded resource deleted, dependents first, under the stack's lock.</summary>
internal sealed class DestroyVerb(VerbSetting setting) : StackVerb(setting)
{
    public int Run()
    {
        using var run = StackPreparation.Prepare(Options, Events, lockFor: "destroy");
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.PlanDestroy(run.State);
        Events.Plan($"Previewing destroy ({Options.Stack})", steps, diff: false);
        Events.Summary(new RunSummary(steps, Past: false));
        if (Options.PurgeData)
            Events.Info("    --purge-data: the PostgreSQL and etcd data directories will be removed too");
        if (!Confirmed("destroy"))
            return ExitCodes.Usage;
        var code = Apply(run, steps, "Destroying", Options.PurgeData);
        if (code == ExitCodes.Ok)
        {
            run.State.Outputs.Clear();
            run.Store.Save(run.State);
        }
        return code;
    }
}
