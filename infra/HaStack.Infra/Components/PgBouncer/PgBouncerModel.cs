using HaStack.Infra.Topology;
using static HaStack.Infra.Rendering.TemplateModel;

namespace HaStack.Infra.Rendering;

/// <summary>What every template sees of PgBouncer (HAProxy and the agent's check reach it on its port).</summary>
internal static class PgBouncerModel
{
    public static IEnumerable<ModelSection> Of(ClusterTopology topology, HostPlan plan)
    {
        var p = topology.Config.PgBouncer;
        yield return new("pgbouncer", Obj(("port", p.Port), ("pool_mode", p.PoolMode), ("max_client_conn", p.MaxClientConn),
            ("default_pool_size", p.DefaultPoolSize), ("reserve_pool_size", p.ReservePoolSize)));
    }
}
