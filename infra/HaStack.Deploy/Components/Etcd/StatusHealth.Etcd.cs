using HaStack.Infra;

namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    private static void Etcd(StackStatus status, StackPlan plan, List<string> degraded)
    {
        var topology = plan.Topology;
        // etcd: every member healthy, a leader; below quorum nothing can change leaders
        var etcd = status.EtcdMembers;
        var healthy = etcd.Count(m => m.Healthy);
        var quorum = topology.EtcdMembers.Count / 2 + 1;
        foreach (var sick in etcd.Where(m => !m.Healthy))
            degraded.Add($"etcd member {sick.Endpoint} is not healthy");
        if (etcd.Count > 0 && etcd.Count < topology.EtcdMembers.Count)
            degraded.Add($"etcd reports {etcd.Count} of the stack's {topology.EtcdMembers.Count} members");
        if (etcd.Count > 0 && healthy < quorum)
            degraded.Add($"etcd has {healthy} healthy member(s), below its quorum of {quorum}: Patroni keeps the primary (failsafe) but cannot fail over");
        if (etcd.Count > 0 && !etcd.Any(m => m.IsLeader))
            degraded.Add("etcd has no leader");
    }
}
