using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Verification;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A leaving VIP host's agent stopped while the staying agents still count it as a peer: if it holds the VIP, its
/// priority-0 advert hands the VIP over at once. After the last leaving agent stopped, the VIP must be on exactly one
/// staying host.
/// </summary>
internal sealed class AgentLeaveProvider : OrchestrationProvider
{
    public override IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var host = change.Host!;
        var agent = (AgentLeaveInputs)change.Desired!.Spec;
        context.Log($"{host} leaves the VIP group: its agent stops first, while the others still count it as a peer");
        context.Session(host).Check(HostOperations.Systemctl("stop", agent.Unit));
        if (!agent.ChecksHolder)
            return new Dictionary<string, string>();
        var holder = new ClusterChecks(context.Plan, context.Session).SingleHolder("the VIP after the leaving agent stopped");
        context.Log($"{context.Plan.Config.Vip.Address} is on {holder}");
        return new Dictionary<string, string> { ["vipHolder"] = holder };
    }
}
