using System.Security.Cryptography;
using System.Text;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;
using HaStack.Infra.Tls;
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

    /// <summary>The name of the stack's one <see cref="ResourceTypes.RollingRestart"/>.</summary>
    public const string RollingRestartName = "postgresql";

    public Resource this[string id] => byId[id];

    public bool Contains(string id) => byId.ContainsKey(id);

    /// <param name="agentSha256">the agent binary's SHA-256 (a new build is a change), or null when no build is at hand</param>
    public static ResourceGraph Build(ClusterTopology topology, IReadOnlyList<RenderedFile> files, string? agentSha256 = null)
    {
        var config = topology.Config;
        var resources = new List<Resource>();
        var secretOwners = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var name in SecretNames.Generated.Concat(config.Postgres.Users.Where(u => u.Password is null).Select(u => SecretNames.User(u.Name))))
        {
            var password = new Resource(ResourceTypes.Password, name, null, [], new PasswordInputs(32), []);
            resources.Add(password);
            secretOwners[name] = password.Id;
        }

        // the cluster's CA and a certificate per host, issued off the hosts and kept encrypted in state like the passwords
        var authorityInputs = AuthorityInputs.For(config);
        var authority = new Resource(ResourceTypes.CertificateAuthority, "cluster-ca", null, [], authorityInputs,
            config.Tls.CaKey is null ? [] : [TlsSecrets.CaKey]);
        resources.Add(authority);
        secretOwners[TlsSecrets.CaCertificate] = authority.Id;
        foreach (var plan in topology.Hosts)
        {
            var certificate = new Resource(ResourceTypes.Certificate, plan.Name, null, [authority.Id],
                CertificateInputs.For(config, plan.Host, authorityInputs), [TlsSecrets.CaCertificate]);
            resources.Add(certificate);
            secretOwners[TlsSecrets.Certificate(plan.Name)] = certificate.Id;
            secretOwners[TlsSecrets.Key(plan.Name)] = certificate.Id;
        }

        static string FileId(string host, string path) => $"{ResourceTypes.File}::{host}:{path}";
        static string ServiceId(string host, string unit) => $"{ResourceTypes.Service}::{host}:{unit}";
        var etcdServices = topology.Hosts.Where(p => p.RunsEtcd).Select(p => ServiceId(p.Name, Components.Etcd.Unit!)).ToList();
        var patroniServices = topology.Hosts.Where(p => p.RunsDatabase).Select(p => ServiceId(p.Name, Components.Postgres.Unit!)).ToList();
        var targets = topology.DatabaseHosts.Select(h => SqlTarget.Of(config, h)).ToList();

        foreach (var plan in topology.Hosts)
        {
            var hostFiles = files.Where(f => f.Host == plan.Name).ToDictionary(f => f.Path, StringComparer.Ordinal);
            // the install guards go first: they keep packages from starting services on stock configs
            var guards = hostFiles.Values.Where(f => f.Effect == FileEffect.InstallGuard).ToList();
            var packagesId = $"{ResourceTypes.Packages}::{plan.Name}";
            foreach (var guard in guards)
                resources.Add(FileResource(guard, [], secretOwners));
            resources.Add(new Resource(ResourceTypes.Packages, plan.Name, plan.Name, guards.Select(g => FileId(plan.Name, g.Path)).ToList(),
                new PackagesInputs(plan.Packages(config)), []));
            foreach (var file in hostFiles.Values.Except(guards))
                resources.Add(FileResource(file, [packagesId], secretOwners));

            foreach (var component in plan.Components.Where(c => c.Unit is not null))
            {
                var reads = component.ServiceFilesFor(config).Where(f => f.Effect != FileEffect.None)
                    .Select(f => new ServiceRead(f.Path, f.Effect == FileEffect.Reload ? ServiceEffect.Reload : ServiceEffect.Restart, Sha256(hostFiles[f.Path].Content)))
                    .ToList();
                var after = component.ServiceFilesFor(config).Select(f => FileId(plan.Name, f.Path)).ToList();
                if (component == Components.Postgres)
                    after.AddRange(etcdServices); // Patroni needs an etcd quorum, which needs every member's service started
                // the CA and the host's certificate: every service reads them with TLS (HAProxy will not even start without the CA)
                if (config.Tls.Enabled)
                    after.AddRange(Components.Tls.FilesFor(config).Select(f => FileId(plan.Name, f.Path)));
                if (component == Components.Agent)
                {
                    var binary = new Resource(ResourceTypes.AgentBinary, plan.Name, plan.Name, [packagesId],
                        new AgentBinaryInputs(Components.AgentBinaryPath, Components.AgentBinaryMode, agentSha256), []);
                    resources.Add(binary);
                    // a new binary is a restart too: the running daemon is the old one until then
                    reads.Add(new ServiceRead(Components.AgentBinaryPath, ServiceEffect.Restart, agentSha256 ?? AgentBinaryInputs.NotBuilt));
                    after.Add(binary.Id);
                    after.AddRange(topology.VipPath.Select(c => ServiceId(plan.Name, c.Unit!)));
                }
                var inputs = new ServiceInputs(component.Unit!, reads, component.Readiness!(config, plan.Host), component.DataDirectories(config),
                    component == Components.Etcd ? new EtcdMembership(plan.Name, topology.EtcdMembers) : null);
                resources.Add(new Resource(ResourceTypes.Service, $"{plan.Name}:{component.Unit}", plan.Name, after, inputs, []));
            }
        }

        var sql = files.Single(f => f.Host is null && f.Path == StackRenderer.SqlSetupPath);
        var sqlSetup = new Resource(ResourceTypes.SqlSetup, "roles-and-databases", null,
            patroniServices.Concat(sql.SecretNames.Where(secretOwners.ContainsKey).Select(n => secretOwners[n])).ToList(),
            new SqlSetupInputs(sql.Content, targets), sql.SecretNames);
        resources.Add(sqlSetup);
        // Patroni's settings in the running cluster: bootstrap.dcs in patroni.yml only counts when the cluster is created
        var patroniConfig = new Resource(ResourceTypes.PatroniConfig, "dynamic-configuration", null,
            [.. patroniServices, secretOwners[PatroniConfigInputs.RestSecret]],
            new PatroniConfigInputs(PatroniDynamicConfig.Of(config), targets), [PatroniConfigInputs.RestSecret]);
        resources.Add(patroniConfig);
        // the members restarted in turn when a setting PostgreSQL takes only at a restart changes
        // (it uses the REST password through its dependency, and is not rerun when the password rotates)
        var restarts = new Resource(ResourceTypes.RollingRestart, RollingRestartName, null, [patroniConfig.Id],
            RollingRestartInputs.Of(((PatroniConfigInputs)patroniConfig.Spec).Settings), []);
        resources.Add(restarts);
        var services = resources.Where(r => r.Type == ResourceTypes.Service).Select(r => r.Id).ToList();
        // (the proof runs after every other step, the rolling restart included, as RerunsAfterAnyChange says)
        resources.Add(new Resource(ResourceTypes.Verification, "vip-failover", null, [.. services, sqlSetup.Id, patroniConfig.Id],
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

    private static Resource FileResource(RenderedFile file, IReadOnlyList<string> dependsOn, Dictionary<string, string> secretOwners)
    {
        var secrets = file.SecretNames;
        return new Resource(ResourceTypes.File, $"{file.Host}:{file.Path}", file.Host,
            dependsOn.Concat(secrets.Where(secretOwners.ContainsKey).Select(n => secretOwners[n])).ToList(),
            new FileInputs(file.Path, file.Mode, file.Owner, file.Group, file.Content, file.Path == Components.AgentConfigPath), secrets);
    }
}
