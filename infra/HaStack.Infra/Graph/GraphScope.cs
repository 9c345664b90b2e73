using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// What a component sees while the graph is built: the topology, every rendered file, the agent build, and which
/// resource holds each secret (a resource that uses a secret depends on its owner). Components register the secrets
/// their resources make (<see cref="SecretOwners"/>).
/// </summary>
internal sealed class GraphScope(ClusterTopology topology, IReadOnlyList<RenderedFile> files, string? agentSha256)
{
    public ClusterTopology Topology => topology;

    public StackConfig Config => topology.Config;

    public IReadOnlyList<RenderedFile> Files => files;

    /// <summary>The agent binary's SHA-256, or null when no build is at hand (preview without one).</summary>
    public string? AgentSha256 => agentSha256;

    public Dictionary<string, string> SecretOwners { get; } = new(StringComparer.Ordinal);

    /// <summary>The owners of those of <paramref name="secrets"/> that a resource makes (the others come from the stack file).</summary>
    public IEnumerable<string> OwnersOf(IEnumerable<string> secrets) => secrets.Where(SecretOwners.ContainsKey).Select(n => SecretOwners[n]);

    public static string FileId(string host, string path) => $"{ResourceTypes.File}::{host}:{path}";

    public static string ServiceId(string host, string unit) => $"{ResourceTypes.Service}::{host}:{unit}";

    /// <summary>The service of <paramref name="component"/> on every host that runs it.</summary>
    public IReadOnlyList<string> ServicesOf(Component component) =>
        topology.Hosts.Where(p => p.Runs(component)).Select(p => ServiceId(p.Name, component.Unit!)).ToList();
}

/// <summary>
/// What a component adds to its service on one host beyond the files it reads: more it waits for, more it reads (a
/// change to them reloads or restarts it), resources of its own made just before it, and an etcd member's place.
/// </summary>
internal sealed record ServiceWiring(IReadOnlyList<string> After, IReadOnlyList<ServiceRead> Reads, IReadOnlyList<Resource> Resources, EtcdMembership? Membership = null)
{
    public static readonly ServiceWiring None = new([], [], []);
}

/// <summary>A resource a component brings once per stack, and whether the failover proof waits for it.</summary>
internal sealed record ClusterResource(Resource Resource, bool ProofWaits);
