using HaStack.Deploy.Cluster;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Verification;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The primary handed to a member that stays when a leaving member holds it (<see cref="PlannedSwitchover"/>, PgBouncer
/// paused), before HAProxy stops sending it writes. With synchronous mode only the named standby may take over, so it
/// is preferred; with none running that stays, the step fails and nothing else runs. No leaving member leads: nothing to do.
/// </summary>
internal sealed class HandoverProvider : OrchestrationProvider
{
    public override IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var leaving = ((HandoverInputs)change.Desired!.Spec).Leaving;
        var members = new ClusterChecks(context.Plan, context.Session).Members();
        var leader = members.FirstOrDefault(m => m.IsLeader);
        if (leader is null || leaving.All(t => t.Host != leader.Name))
        {
            context.Log($"{string.Join(", ", leaving.Select(t => t.Host))} leave(s) the database members; the primary ({leader?.Name ?? "none"}) stays where it is");
            return new Dictionary<string, string> { ["primary"] = leader?.Name ?? "" };
        }
        var staying = members.Where(m => !m.IsLeader && m.IsRunning && leaving.All(t => t.Host != m.Name)).ToList();
        var to = staying.FirstOrDefault(m => m.IsSyncStandby) ?? staying.FirstOrDefault()
            ?? throw new SwitchoverException($"{leader.Name} leaves the stack and is the primary, but no member that stays is running to take over " +
                                             $"(Patroni reports {string.Join(", ", members.Select(m => $"{m.Name} {m.Role} {m.State}"))})");
        context.Log($"{leader.Name} leaves the stack and is the primary: switching over to {to.Name} before anything else");
        string AddressOf(string name) => leaving.FirstOrDefault(t => t.Host == name)?.Address
            ?? context.Plan.Config.Hosts.Single(h => h.Name == name).Address;
        var result = new PlannedSwitchover(context.Plan, context.Session, context.Secrets.Value(SecretNames.PatroniRest), context.Log, AddressOf).Run(to.Name);
        context.Log($"{result.To} is the primary ({result.From} was, and leaves), after {result.Took.TotalSeconds:0.00} s");
        return new Dictionary<string, string> { ["primary"] = result.To, ["tookMs"] = ((long)result.Took.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }
}
