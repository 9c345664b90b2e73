using HaStack.Infra.Catalogue;
using HaStack.Infra.Topology;
using static HaStack.Infra.Rendering.TemplateModel;

namespace HaStack.Infra.Rendering;

/// <summary>What every template sees of HAProxy (PgBouncer on the proxies forwards to its write port).</summary>
internal static class HaproxyModel
{
    public static IEnumerable<ModelSection> Of(ClusterTopology topology, HostPlan plan)
    {
        var c = topology.Config;
        yield return new("haproxy", Obj(("write_port", c.Haproxy.WritePort), ("read_port", c.Haproxy.ReadPort), ("stats_port", c.Haproxy.StatsPort),
            ("backend_port", topology.BackendPort), ("answered_down_grace_ms", Components.AnsweredDownGraceMs(c)),
            ("write_listener", Components.HaproxyWriteListener), ("read_listener", Components.HaproxyReadListener)));
    }
}
