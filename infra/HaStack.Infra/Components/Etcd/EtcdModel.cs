using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;
using static HaStack.Infra.Rendering.TemplateModel;

namespace HaStack.Infra.Rendering;

/// <summary>What every template sees of etcd (Patroni's and the sync guard's clients read it too).</summary>
internal static class EtcdModel
{
    public static IEnumerable<ModelSection> Of(ClusterTopology topology, HostPlan plan)
    {
        var c = topology.Config;
        yield return new("etcd", Obj(("data_dir", Components.EtcdDataDirectory(c)), ("tls", c.Tls.Enabled), ("scheme", TlsSettings.UrlScheme(c.Tls.Enabled)),
            ("client_port", c.Etcd.ClientPort), ("peer_port", c.Etcd.PeerPort), ("initial_cluster", topology.EtcdInitialCluster), ("token", topology.EtcdClusterToken),
            ("client_hosts", string.Join(",", topology.EtcdMembers.Select(m => $"{m.Address}:{c.Etcd.ClientPort}")))));
    }
}
