using System.Text.Json.Nodes;
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

    /// <summary>What state records: the member's name and each member's name and URLs.</summary>
    public JsonObject ToJson() => ResourceInputs.Json(("member", Name),
        ("cluster", new JsonArray([.. Cluster.Select(m => (JsonNode)ResourceInputs.Json(("name", m.Name), ("peerUrl", m.PeerUrl), ("clientUrl", m.ClientUrl)))])));

    public static EtcdMembership Parse(JsonObject etcd)
    {
        ResourceInputs.OnlyKeys(etcd, "member", "cluster");
        var name = ResourceInputs.Matching(etcd, "member", Names.HostName(), "a host name");
        var cluster = new List<EtcdMember>();
        foreach (var node in ResourceInputs.List(etcd, "cluster", StackValidator.MaxHosts))
        {
            cluster.Add(ResourceInputs.Within("cluster", () =>
            {
                var item = ResourceInputs.ObjectOf(node ?? throw new InvalidInputException("cluster", "holds null"), "cluster");
                ResourceInputs.OnlyKeys(item, "name", "peerUrl", "clientUrl");
                var member = ResourceInputs.Matching(item, "name", Names.HostName(), "a host name");
                var urls = new[] { ResourceInputs.Text(item, "peerUrl"), ResourceInputs.Text(item, "clientUrl") };
                if (!urls.All(ServiceInputs.IsHttpUrl) || urls.Any(u => u.Count(c => c == '/') != 2) || ServiceInputs.SchemeOf(urls[0]) != ServiceInputs.SchemeOf(urls[1]))
                    throw new InvalidInputException("cluster", $"member '{TextRules.Printable(member)}' has URLs that are not SCHEME://ADDRESS:PORT (http or https, both alike)");
                var hostStart = urls[0].IndexOf("://", StringComparison.Ordinal) + 3;
                return new EtcdMember(member, urls[0][hostStart..urls[0].LastIndexOf(':')], urls[0], urls[1]);
            }));
        }
        if (cluster.Count(m => m.Name == name) != 1 || cluster.DistinctBy(m => m.Name).Count() != cluster.Count)
            throw new InvalidInputException("cluster", $"does not list member '{name}' exactly once, or lists a member twice");
        return new EtcdMembership(name, cluster);
    }
}

/// <summary>An etcd member joining a running cluster: added through the others before its first start.</summary>
internal sealed record EtcdJoinInputs(EtcdMembership Member, string DataDirectory) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("etcd", Member.ToJson()), ("data", DataDirectory));

    public static EtcdJoinInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "etcd", "data");
        var data = Text(inputs, "data");
        if (!ServiceInputs.IsDataDirectory(data) || !data.StartsWith(Components.EtcdDataRoot, StringComparison.Ordinal))
            throw new InvalidInputException("data", $"'{TextRules.Printable(data)}' is not an etcd data directory HaStack makes");
        return new EtcdJoinInputs(Within("etcd", () => EtcdMembership.Parse(ObjectOf(Required(inputs, "etcd"), "etcd"))), data);
    }
}

/// <summary>An etcd member leaving a cluster that goes on: removed through the others, then stopped, before its service is.</summary>
internal sealed record EtcdLeaveInputs(EtcdMembership Member) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("etcd", Member.ToJson()));

    public static EtcdLeaveInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "etcd");
        return new EtcdLeaveInputs(Within("etcd", () => EtcdMembership.Parse(ObjectOf(Required(inputs, "etcd"), "etcd"))));
    }
}
