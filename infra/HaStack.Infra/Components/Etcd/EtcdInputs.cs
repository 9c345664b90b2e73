using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// An etcd member's place in its cluster: its name and every member of the stack's cluster (itself included). The
/// member is added to a running cluster before its first start and removed from it before it stops, through the
/// other members; a change to the cluster asks nothing of a running member (etcd reads its peers once, at its first start).
/// </summary>
internal sealed record EtcdMembership(string Name, IReadOnlyList<EtcdMember> Cluster)
{
    public EtcdMember Self => Cluster.Single(m => m.Name == Name);

    public IEnumerable<EtcdMember> Others => Cluster.Where(m => m.Name != Name);

    /// <summary>The member's cluster speaks TLS (its URLs are https): its clients present a certificate.</summary>
    public bool Tls => Self.ClientUrl.StartsWith("https://", StringComparison.Ordinal);

    /// <summary>NAME=PEER_URL,CLIENT_URL per member, space-separated: what state records.</summary>
    public string ClusterText => string.Join(" ", Cluster.Select(m => $"{m.Name}={m.PeerUrl},{m.ClientUrl}"));

    public static EtcdMembership Parse(string name, string clusterText)
    {
        if (!Names.HostName().IsMatch(name))
            throw new InvalidInputException("etcdMember", $"'{TextRules.Printable(name)}' is not a host name");
        var cluster = new List<EtcdMember>();
        foreach (var item in clusterText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var urls = eq > 0 ? item[(eq + 1)..].Split(',') : [];
            if (eq <= 0 || !Names.HostName().IsMatch(item[..eq]) || urls.Length != 2 || !urls.All(ServiceInputs.IsHttpUrl) || urls.Any(u => u.Count(c => c == '/') != 2) ||
                ServiceInputs.SchemeOf(urls[0]) != ServiceInputs.SchemeOf(urls[1]))
                throw new InvalidInputException("etcdCluster", $"'{TextRules.Printable(item)}' is not NAME=SCHEME://ADDRESS:PEER_PORT,SCHEME://ADDRESS:CLIENT_PORT (http or https, both alike)");
            var hostStart = urls[0].IndexOf("://", StringComparison.Ordinal) + 3;
            var address = urls[0][hostStart..urls[0].LastIndexOf(':')];
            cluster.Add(new EtcdMember(item[..eq], address, urls[0], urls[1]));
        }
        if (cluster.Count(m => m.Name == name) != 1 || cluster.DistinctBy(m => m.Name).Count() != cluster.Count)
            throw new InvalidInputException("etcdCluster", $"does not list member '{name}' exactly once, or lists a member twice");
        return new EtcdMembership(name, cluster);
    }
}

/// <summary>An etcd member joining a running cluster: added through the others before its first start.</summary>
internal sealed record EtcdJoinInputs(EtcdMembership Member, string DataDirectory) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() =>
        Map(("etcdMember", Member.Name), ("etcdCluster", Member.ClusterText), ("data", DataDirectory));

    public static EtcdJoinInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "etcdMember" or "etcdCluster" or "data");
        var data = Required(inputs, "data");
        if (!ServiceInputs.IsDataDirectory(data) || !data.StartsWith(Components.EtcdDataRoot, StringComparison.Ordinal))
            throw new InvalidInputException("data", $"'{TextRules.Printable(data)}' is not an etcd data directory HaStack makes");
        return new EtcdJoinInputs(EtcdMembership.Parse(Required(inputs, "etcdMember"), Required(inputs, "etcdCluster")), data);
    }
}

/// <summary>An etcd member leaving a cluster that goes on: removed through the others, then stopped, before its service is.</summary>
internal sealed record EtcdLeaveInputs(EtcdMembership Member) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("etcdMember", Member.Name), ("etcdCluster", Member.ClusterText));

    public static EtcdLeaveInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "etcdMember" or "etcdCluster");
        return new EtcdLeaveInputs(EtcdMembership.Parse(Required(inputs, "etcdMember"), Required(inputs, "etcdCluster")));
    }
}
