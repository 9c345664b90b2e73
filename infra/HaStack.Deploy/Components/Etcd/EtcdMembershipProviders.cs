using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>An etcd member added to the running cluster through the others, just before its first start (a member already: nothing).</summary>
internal sealed class EtcdJoinProvider : OrchestrationProvider
{
    public override IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var joining = (EtcdJoinInputs)change.Desired!.Spec;
        context.Log($"{joining.Member.Name} joins etcd: added to its members through the others before it starts");
        context.Session(change.Host!).Check(HostOperations.JoinEtcd(joining));
        return Providers.NoOutputs;
    }
}

/// <summary>
/// An etcd member leaving a cluster that goes on: removed through the others (if what stays keeps a quorum of healthy
/// members), then stopped, before its service's delete.
/// </summary>
internal sealed class EtcdLeaveProvider : OrchestrationProvider
{
    public override IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var leaving = (EtcdLeaveInputs)change.Desired!.Spec;
        context.Log($"{leaving.Member.Name} leaves etcd: removed from its members, then stopped");
        context.Session(change.Host!).Check(HostOperations.LeaveEtcd(leaving.Member));
        return Providers.NoOutputs;
    }
}
