using System.Security.Cryptography;
using System.Text;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// Every resource of a stack, in a dependency order (each after all it depends on). Built from the topology and
/// the rendered files only: the same stack file gives the same graph, at preview time as at apply time.
/// </summary>
public sealed class ResourceGraph
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
    public static ResourceGraph Build(ClusterTopology topology, IReadOnlyList<RenderedFile> files, string? agentSha256 = null)
    {
        var config = topology.Config;
        var resources = new List<Resource>();
        var secretOwners = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var name in StackRenderer.GeneratedSecrets.Concat(config.Postgres.Users.Where(u => u.Password is null).Select(u => StackRenderer.UserSecret(u.Name))))
        {
            var password = new Resource(ResourceTypes.Password, name, null, [], Inputs(("length", "32"), ("alphabet", "alphanumeric")), []);
            resources.Add(password);
            secretOwners[name] = password.Id;
        }

        string FileId(string host, string path) => $"{ResourceTypes.File}::{host}:{path}";
        string ServiceId(string host, string unit) => $"{ResourceTypes.Service}::{host}:{unit}";
        var etcdServices = topology.Hosts.Where(p => p.RunsEtcd).Select(p => ServiceId(p.Name, "etcd")).ToList();
        var patroniServices = topology.Hosts.Where(p => p.RunsDatabase).Select(p => ServiceId(p.Name, "patroni")).ToList();

        foreach (var plan in topology.Hosts)
        {
            var hostFiles = files.Where(f => f.Host == plan.Name).ToList();
            // the install guards go first: they keep packages from starting services on stock configs
            var guards = hostFiles.Where(f => f.Effect == FileEffect.InstallGuard).ToList();
            var packagesId = $"{ResourceTypes.Packages}::{plan.Name}";
            foreach (var guard in guards)
                resources.Add(FileResource(guard, [], secretOwners));
            resources.Add(new Resource(ResourceTypes.Packages, plan.Name, plan.Name, guards.Select(g => FileId(plan.Name, g.Path)).ToList(),
                Inputs(("packages", string.Join(" ", plan.Packages(config.Postgres.Version)))), []));
            foreach (var file in hostFiles.Except(guards))
                resources.Add(FileResource(file, [packagesId], secretOwners));

            string[] FilesOf(params string[] paths) => paths.Where(p => hostFiles.Any(f => f.Path == p)).ToArray();
            if (plan.RunsEtcd)
                resources.Add(ServiceResource(plan.Name, "etcd", hostFiles, FilesOf("/etc/default/etcd"), []));
            if (plan.RunsDatabase)
            {
                // Patroni needs an etcd quorum, which needs every member's service started
                resources.Add(ServiceResource(plan.Name, "patroni", hostFiles, FilesOf("/etc/patroni/config.yml"), etcdServices));
                resources.Add(ServiceResource(plan.Name, "pgbouncer", hostFiles, FilesOf("/etc/pgbouncer/pgbouncer.ini", "/etc/pgbouncer/userlist.txt"), []));
            }
            if (plan.RunsHaproxy)
                resources.Add(ServiceResource(plan.Name, "haproxy", hostFiles, FilesOf("/etc/haproxy/haproxy.cfg"), []));
            if (plan.Vrrp is not null)
            {
                var binary = new Resource(ResourceTypes.AgentBinary, plan.Name, plan.Name, [packagesId],
                    Inputs(("path", "/usr/local/sbin/hastack-vrrpd"), ("mode", "0755"), ("sha256", agentSha256 ?? "not built")), []);
                resources.Add(binary);
                var layerService = ServiceId(plan.Name, topology.LayerService);
                // a new binary is a restart too: the running daemon is the old one until then
                resources.Add(ServiceResource(plan.Name, "hastack-vrrpd", hostFiles,
                    FilesOf(StackRenderer.AgentConfigPath, "/etc/hastack-vrrpd/check-layer", "/etc/systemd/system/hastack-vrrpd.service"),
                    [binary.Id, layerService], ("restart:" + binary.Inputs["path"], binary.Inputs["sha256"])));
            }
        }

        var sql = files.Single(f => f.Host is null && f.Path == StackRenderer.SqlSetupPath);
        var sqlSetup = new Resource(ResourceTypes.SqlSetup, "roles-and-databases", null,
            patroniServices.Concat(sql.SecretNames.Where(secretOwners.ContainsKey).Select(n => secretOwners[n])).ToList(),
            Inputs(("script", sql.Content)), sql.SecretNames);
        resources.Add(sqlSetup);
        var services = resources.Where(r => r.Type == ResourceTypes.Service).Select(r => r.Id).ToList();
        resources.Add(new Resource(ResourceTypes.Verification, "vip-failover", null, [.. services, sqlSetup.Id],
            Inputs(("enabled", config.Verify.Enabled ? "true" : "false"), ("vipMoveTimeoutSeconds", $"{config.Verify.VipMoveTimeoutSeconds}"),
                ("sqlTimeoutSeconds", $"{config.Verify.SqlTimeoutSeconds}")), []));
        return new ResourceGraph(InDependencyOrder(resources));
    }

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

    private static Resource FileResource(RenderedFile file, IReadOnlyList<string> dependsOn, Dictionary<string, string> secretOwners)
    {
        var secrets = file.SecretNames;
        return new Resource(ResourceTypes.File, $"{file.Host}:{file.Path}", file.Host,
            dependsOn.Concat(secrets.Where(secretOwners.ContainsKey).Select(n => secretOwners[n])).ToList(),
            Inputs(("path", file.Path), ("mode", file.Mode), ("owner", file.Owner), ("group", file.Group), ("content", file.Content)), secrets);
    }

    /// <summary>
    /// A service's inputs are the hashes of the files it reads, keyed by what a change asks for (restart:PATH or
    /// reload:PATH), so the engine can tell a reload from a restart by the keys that changed.
    /// </summary>
    private static Resource ServiceResource(string host, string unit, List<RenderedFile> hostFiles, string[] paths, IReadOnlyList<string> alsoAfter,
        params (string Key, string Value)[] extraInputs)
    {
        var inputs = new List<(string, string)> { ("unit", unit), ("enabled", "true") };
        inputs.AddRange(extraInputs);
        foreach (var path in paths)
        {
            var file = hostFiles.Single(f => f.Path == path);
            var effect = file.Effect == FileEffect.Reload ? "reload" : "restart";
            inputs.Add(($"{effect}:{path}", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.Content)))));
        }
        return new Resource(ResourceTypes.Service, $"{host}:{unit}", host,
            paths.Select(p => $"{ResourceTypes.File}::{host}:{p}").Concat(alsoAfter).ToList(), Inputs([.. inputs]), []);
    }

    private static SortedDictionary<string, string> Inputs(params (string Key, string Value)[] pairs)
    {
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
            inputs[key] = value;
        return inputs;
    }
}
