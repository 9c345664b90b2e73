using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// Patroni's service waits for every etcd member's (Patroni needs an etcd quorum); once per stack, after every
/// host's resources: the SQL setup, Patroni's settings in the running cluster, and the rolling restart they may ask for.
/// </summary>
internal static class PatroniGraph
{
    /// <summary>The name of the stack's one <see cref="ResourceTypes.RollingRestart"/>.</summary>
    public const string RollingRestartName = "postgresql";

    public static ServiceWiring Service(GraphScope scope, HostPlan plan) => ServiceWiring.None with { After = scope.ServicesOf(Components.Etcd) };

    public static IEnumerable<ClusterResource> Cluster(GraphScope scope)
    {
        var config = scope.Config;
        var patroniServices = scope.ServicesOf(Components.Postgres);
        var targets = scope.Topology.DatabaseHosts.Select(h => SqlTarget.Of(config, h)).ToList();
        var sql = scope.Files.Single(f => f.Host is null && f.Path == StackRenderer.SqlSetupPath);
        yield return new(new Resource(ResourceTypes.SqlSetup, "roles-and-databases", null, [.. patroniServices, .. scope.OwnersOf(sql.SecretNames)],
            new SqlSetupInputs(sql.Content, targets), sql.SecretNames), ProofWaits: true);
        // Patroni's settings in the running cluster: bootstrap.dcs in patroni.yml only counts when the cluster is created
        var patroniConfig = new Resource(ResourceTypes.PatroniConfig, "dynamic-configuration", null,
            [.. patroniServices, scope.SecretOwners[PatroniConfigInputs.RestSecret]],
            new PatroniConfigInputs(PatroniDynamicConfig.Of(config), targets), [PatroniConfigInputs.RestSecret]);
        yield return new(patroniConfig, ProofWaits: true);
        // the members restarted in turn when a setting PostgreSQL takes only at a restart changes (it uses the REST
        // password through its dependency, and is not rerun when the password rotates); the proof does not wait for it
        // (it runs after every other step anyway, as RerunsAfterAnyChange says)
        yield return new(new Resource(ResourceTypes.RollingRestart, RollingRestartName, null, [patroniConfig.Id],
            RollingRestartInputs.Of(((PatroniConfigInputs)patroniConfig.Spec).Settings), []), ProofWaits: false);
    }
}
