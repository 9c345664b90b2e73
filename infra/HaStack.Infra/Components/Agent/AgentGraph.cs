using HaStack.Infra.Catalogue;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>The agent's service: its binary (a resource of its own, uploaded), and the services on the VIP's path it tracks.</summary>
internal static class AgentGraph
{
    public static ServiceWiring Service(GraphScope scope, HostPlan plan)
    {
        var binary = new Resource(ResourceTypes.AgentBinary, plan.Name, plan.Name, [$"{ResourceTypes.Packages}::{plan.Name}"],
            new AgentBinaryInputs(Components.AgentBinaryPath, Components.AgentBinaryMode, scope.AgentSha256), []);
        // a new binary is a restart too: the running daemon is the old one until then
        var read = new ServiceRead(Components.AgentBinaryPath, ServiceEffect.Restart, scope.AgentSha256 ?? AgentBinaryInputs.NotBuilt);
        return new ServiceWiring([binary.Id, .. scope.Topology.VipPath.Select(c => GraphScope.ServiceId(plan.Name, c.Unit!))], [read], [binary]);
    }
}
