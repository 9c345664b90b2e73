using System.Globalization;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;
using static HaStack.Infra.Rendering.TemplateModel;

namespace HaStack.Infra.Rendering;

/// <summary>What the templates see of the VIP and of this host's place in the VRRP group.</summary>
internal static class AgentModel
{
    public static IEnumerable<ModelSection> Of(ClusterTopology topology, HostPlan plan)
    {
        var c = topology.Config;
        // the client ports of every process on the VIP's path: the check opens each (the database layer asks Patroni)
        var checkPorts = topology.VipPath.Select(component => component == Components.Haproxy ? c.Haproxy.WritePort : c.PgBouncer.Port).ToList();
        yield return new("vip", Obj(("address", c.Vip.Address), ("prefix", c.Vip.PrefixLength), ("interface", c.Vip.Interface), ("router_id", c.Vip.RouterId),
            ("version", c.Vip.VrrpVersion), ("advert_int", c.Vip.AdvertInterval.ToString(CultureInfo.InvariantCulture)), ("unicast", c.Vip.Unicast),
            ("preempt", c.Vip.Preempt), ("status_port", c.Vip.StatusPort), ("has_auth", c.Vip.AuthPassword is not null),
            ("layer", c.Vip.FloatsOver.ToString().ToLowerInvariant()), ("processes", topology.VipPath.Select(p => p.Unit).ToList()), ("check_ports", checkPorts),
            ("script_user", c.Vip.FloatsOver == VipLayer.Database ? "postgres" : "nobody"),
            // the database layer's check is confirmed twice already (Patroni's lock, PostgreSQL not in recovery): one
            // pass is enough, and a second would add a second to every failover there
            ("check_rise", c.Vip.FloatsOver == VipLayer.Database ? 1 : 2)));
        yield return new("vrrp", plan.Vrrp is null ? null : Obj(("priority", plan.Vrrp.Priority), ("peers", plan.Vrrp.Peers.ToList())));
    }
}
