using System.Security.Cryptography;
using System.Text;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// Every resource of a stack, in a dependency order (each after all it depends on). Built from the topology and
/// the rendered files only: the same stack file gives the same graph, at preview time as at apply time.
/// </summary>
internal sealed class ResourceGraph
{
    public IReadOnlyList<Resource> Resources { get; }
    private readonly Dictionary<string, Resource> byId;

    private ResourceGraph(IReadOnlyList<Resource> resources)
    {
        Resources = resources;
        byId = resources.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public Resource this[string id] => byId[id];

    public bool Contains(string id) => byId.ContainsKey(id);

    /// <param name="agentSha256">the agent binary's SHA-256 (a new build is a change), or null when no build is at hand</param>
    /// <remarks>
    /// Names no component: each one's files and service come from its catalogue record, and what it brings beyond
    /// them from its hooks (<see cref="Component.BeforeHosts"/>, <see cref="Component.Wiring"/>, <see cref="Component.AfterHosts"/>).
    /// </remarks>
    public static ResourceGraph Build(ClusterTopology topology, IReadOnlyList<RenderedFile> files, string? agentSha256 = null)
    {
        var config = topology.Config;
        var scope = new GraphScope(topology, files, agentSha256);
        var resources = new List<Resource>();

        foreach (var name in SecretNames.Generated.Concat(config.Postgres.Users.Where(u => u.Password is null).Select(u => SecretNames.User(u.Name))))
        {
            var password = new Resource(ResourceTypes.Password, name, null, [], new PasswordInputs(32), []);
            resources.Add(password);
            scope.SecretOwners[name] = password.Id;
        }
        foreach (var component in Components.All)
            resources.AddRange(component.BeforeHosts?.Invoke(scope) ?? []);

        foreach (var plan in topology.Hosts)
        {
            var hostFiles = files.Where(f => f.Host == plan.Name).ToDictionary(f => f.Path, StringComparer.Ordinal);
            // the install guards go first: they keep packages from starting services on stock configs
            var guards = hostFiles.Values.Where(f => f.Effect == FileEffect.InstallGuard).ToList();
            var packagesId = $"{ResourceTypes.Packages}::{plan.Name}";
            foreach (var guard in guards)
                resources.Add(FileResource(guard, [], scope));
            resources.Add(new Resource(ResourceTypes.Packages, plan.Name, plan.Name, guards.Select(g => GraphScope.FileId(plan.Name, g.Path)).ToList(),
                new PackagesInputs(plan.Packages(config)), []));
            foreach (var file in hostFiles.Values.Except(guards))
                resources.Add(FileResource(file, [packagesId], scope));
            // what every service on the host reads (the CA and the host's certificate with TLS: HAProxy will not even start without the CA)
            var readByAll = plan.Components.Where(c => c.ReadByEveryService?.Invoke(config) == true)
                .SelectMany(c => c.FilesFor(config)).Select(f => GraphScope.FileId(plan.Name, f.Path)).ToList();

            foreach (var component in plan.Components.Where(c => c.Unit is not null))
            {
                var reads = component.ServiceFilesFor(config).Where(f => f.Effect != FileEffect.None)
                    .Select(f => new ServiceRead(f.Path, f.Effect == FileEffect.Reload ? ServiceEffect.Reload : ServiceEffect.Restart, Sha256(hostFiles[f.Path].Content)))
                    .ToList();
                var after = component.ServiceFilesFor(config).Select(f => GraphScope.FileId(plan.Name, f.Path)).Concat(readByAll).ToList();
                var wiring = component.Wiring?.Invoke(scope, plan) ?? ServiceWiring.None;
                resources.AddRange(wiring.Resources);
                var inputs = new ServiceInputs(component.Unit!, [.. reads, .. wiring.Reads], component.Readiness!(config, plan.Host), component.DataDirectories(config), wiring.Membership);
                resources.Add(new Resource(ResourceTypes.Service, $"{plan.Name}:{component.Unit}", plan.Name, [.. after, .. wiring.After], inputs, []));
            }
        }

        var cluster = Components.All.SelectMany(c => c.AfterHosts?.Invoke(scope) ?? []).ToList();
        resources.AddRange(cluster.Select(c => c.Resource));
        var services = resources.Where(r => r.Type == ResourceTypes.Service).Select(r => r.Id);
        resources.Add(new Resource(ResourceTypes.Verification, "vip-failover", null, [.. services, .. cluster.Where(c => c.ProofWaits).Select(c => c.Resource.Id)],
            new VerificationInputs(config.Verify.Enabled, config.Verify.VipMoveTimeoutSeconds, config.Verify.SqlTimeoutSeconds), []));
        return new ResourceGraph(InDependencyOrder(resources));
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>A stable topological order: among resources that are ready, the one built first goes first.</summary>
    private static List<Resource> InDependencyOrder(List<Resource> resources)
    {
        var ids = resources.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            var missing = r.DependsOn.FirstOrDefault(d => !ids.Contains(d));
            if (missing is not null)
                throw new InvalidOperationException($"{r.Id} depends on {missing}, which is not in the graph");
        }
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<Resource>(resources.Count);
        var remaining = new List<Resource>(resources);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(r => r.DependsOn.All(placed.Contains))
                ?? throw new InvalidOperationException($"dependency cycle among {string.Join(", ", remaining.Select(r => r.Id))}");
            ordered.Add(next);
            placed.Add(next.Id);
            remaining.Remove(next);
        }
        return ordered;
    }

    private static Resource FileResource(RenderedFile file, IReadOnlyList<string> dependsOn, GraphScope scope) =>
        new(ResourceTypes.File, $"{file.Host}:{file.Path}", file.Host, [.. dependsOn, .. scope.OwnersOf(file.SecretNames)],
            new FileInputs(file.Path, file.Mode, file.Owner, file.Group, file.Content, file.CheckAsAgentConfig), file.SecretNames);
}
