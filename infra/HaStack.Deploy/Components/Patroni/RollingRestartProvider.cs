using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// After Patroni's configuration changed a setting PostgreSQL takes only at a restart: once the members had time to
/// apply it, the ones Patroni reports waiting for a restart (pending_restart) are restarted in turn
/// (<see cref="Cluster.RollingRestart"/>). A failure fails the step, which stays unrecorded: the next up rolls on from
/// what still waits.
/// </summary>
internal sealed class RollingRestartProvider : IResourceProvider
{
    /// <summary>How long members have to apply a new configuration (a few of Patroni's loops) before it is checked.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        Thread.Sleep(Settle + TimeSpan.FromSeconds(context.Plan.Config.Patroni.LoopWait));
        var waiting = Cluster.RollingRestart.Pending(context.Plan, context.Session);
        if (waiting.Count == 0)
            return new Dictionary<string, string> { ["restarted"] = "" };
        context.Log($"PostgreSQL takes some of these settings only at a restart: {string.Join(", ", waiting)} wait for one (pending_restart); rolling it");
        var restarted = new Cluster.RollingRestart(context.Plan, context.Session, context.Secrets.Reveal(PatroniConfigInputs.PasswordToken), context.Log).Run(waiting);
        return new Dictionary<string, string> { ["restarted"] = string.Join(" ", restarted) };
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        // a restart leaves nothing behind to undo
    }

    public string? Drift(ApplyContext context, ResourceState recorded) => null;
}
