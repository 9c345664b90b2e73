using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;

namespace HaStack.Infra.Topology;

internal sealed record EtcdMember(string Name, string Address, string PeerUrl, string ClientUrl);

/// <summary>A host's part in the VRRP group: its priority and the peers it sends unicast adverts to.</summary>
internal sealed record VrrpMember(HostConfig Host, int Priority, IReadOnlyList<string> Peers);

/// <summary>What one host runs (its components, from the catalogue), derived from its roles and the VIP layer.</summary>
internal sealed record HostPlan(HostConfig Host, IReadOnlyList<Component> Components, VrrpMember? Vrrp)
{
    public string Name => Host.Name;

    public bool Runs(Component component) => Components.Contains(component);

    public bool RunsEtcd => Runs(Catalogue.Components.Etcd);

    public bool RunsDatabase => Runs(Catalogue.Components.Postgres);

    /// <summary>Debian packages, in a stable order; the agent is a file we upload, not a package.</summary>
    public IReadOnlyList<string> Packages(StackConfig config) => Components.SelectMany(c => c.Packages(config)).ToList();
}

/// <summary>
/// The derived facts of a valid stack: who runs what, the etcd initial cluster, Patroni's members, HAProxy's
/// backends and the VRRP group. Pure and deterministic: the hosts' order in the stack file decides ties.
/// </summary>
internal sealed record ClusterTopology(
    StackConfig Config,
    IReadOnlyList<HostPlan> Hosts,
    IReadOnlyList<EtcdMember> EtcdMembers,
    IReadOnlyList<HostConfig> DatabaseHosts,
    IReadOnlyList<HostConfig> ProxyHosts,
    IReadOnlyList<VrrpMember> VrrpGroup)
{
    /// <summary>The highest VRRP priority HaStack gives; 255 is the address owner's and is never ours.</summary>
    public const int TopPriority = 250;

    public string EtcdInitialCluster => string.Join(",", EtcdMembers.Select(m => $"{m.Name}={m.PeerUrl}"));

    /// <summary>Unique per cluster so two stacks' etcd members can never join each other.</summary>
    public string EtcdClusterToken => $"{Config.Patroni.Scope}-etcd";

    /// <summary>PgBouncer sits on the proxy hosts, in front of HAProxy.</summary>
    public bool PoolerOnProxies => Config.PgBouncer.Placement == PoolerPlacement.Proxy;

    /// <summary>
    /// The ports clients use through the VIP. Writes go through PgBouncer wherever the VIP's hosts run it; reads go to
    /// HAProxy's replica port (unpooled: PgBouncer listens on one port, and that one is the writers').
    /// </summary>
    public (int Writes, int? Reads) ClientPorts => Config.Vip.FloatsOver switch
    {
        VipLayer.Database => (Config.PgBouncer.Port, null),
        _ when PoolerOnProxies => (Config.PgBouncer.Port, Config.Haproxy.ReadPort),
        _ => (Config.Haproxy.WritePort, Config.Haproxy.ReadPort),
    };

    /// <summary>Where HAProxy sends a connection on a database host: PgBouncer there, or PostgreSQL itself when PgBouncer is in front of HAProxy.</summary>
    public int BackendPort => PoolerOnProxies ? Config.Postgres.Port : Config.PgBouncer.Port;

    /// <summary>The process and systemd unit that serve the VIP's layer: what the proof stops.</summary>
    public string LayerService => Components.Layer(Config.Vip.FloatsOver).Unit!;

    /// <summary>
    /// Every unit on a VIP host that a client at the VIP passes through: what the agent's check follows. With the
    /// pooler on the proxies that is PgBouncer and HAProxy both, whichever of them the VIP is said to float over.
    /// </summary>
    public IReadOnlyList<Component> VipPath => Config.Vip.FloatsOver != VipLayer.Database && PoolerOnProxies
        ? [Components.PgBouncer, Components.Haproxy]
        : [Components.Layer(Config.Vip.FloatsOver)];

    public static ClusterTopology Of(StackConfig config)
    {
        var scheme = TlsSettings.UrlScheme(config.Tls.Enabled);
        var etcd = config.HostsWith(HostRole.Etcd)
            .Select(h => new EtcdMember(h.Name, h.Address, $"{scheme}://{h.Address}:{config.Etcd.PeerPort}", $"{scheme}://{h.Address}:{config.Etcd.ClientPort}"))
            .ToList();
        var vipHosts = config.VipHosts;
        // one step apart: the skew time ((256 - priority) / 256 of an interval) stays short for every backup,
        // and the order of the hosts in the stack file decides the first master
        var group = vipHosts.Select((h, i) => new VrrpMember(h, TopPriority - i,
            vipHosts.Where(p => p != h).Select(p => p.Address).ToList())).ToList();
        var plans = config.Hosts.Select(h => new HostPlan(h, Components.On(config, h), group.FirstOrDefault(m => m.Host == h))).ToList();
        return new ClusterTopology(config, plans, etcd, config.HostsWith(HostRole.Db).ToList(), config.HostsWith(HostRole.Proxy).ToList(), group);
    }
}
