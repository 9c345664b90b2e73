using HaStack.Deploy.Verification;
using HaStack.Infra.Rendering;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack switchover</c>: the primary handed over on purpose, PgBouncer paused around it.</summary>
internal sealed class SwitchoverVerb(VerbSetting setting) : StackVerb(setting)
{
    /// <summary><c>hastack switchover</c>: the primary handed to <paramref name="to"/> (default: the sync standby), PgBouncer paused around it.</summary>
    public int Run(string? to) => OnDeployedStack("switchover", (run, context) =>
    {
        Events.Phase($"Switching over ({Options.Stack})");
        try
        {
            var result = new Cluster.PlannedSwitchover(run.Plan, context.Session, context.Secrets.Value(SecretNames.PatroniRest), text => Events.Info($"    {text}")).Run(to);
            new ClusterChecks(run.Plan, context.Session).WaitWhole("the cluster is whole after the switchover");
            Events.Info($"    {result.To} is the primary ({result.From} was), after {result.Took.TotalSeconds:0.00} s; the cluster is whole");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is Cluster.SwitchoverException or VerificationFailedException || IsHostFailure(e))
        {
            Events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    });
}
