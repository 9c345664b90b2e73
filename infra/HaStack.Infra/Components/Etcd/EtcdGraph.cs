using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>An etcd member's service carries its place in the cluster: added before its first start, removed before it stops.</summary>
internal static class EtcdGraph
{
    public static ServiceWiring Service(GraphScope scope, HostPlan plan) =>
        ServiceWiring.None with { Membership = new EtcdMembership(plan.Name, scope.Topology.EtcdMembers) };
}
