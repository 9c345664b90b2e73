using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;
using static HaStack.Infra.Rendering.TemplateModel;

namespace HaStack.Infra.Rendering;

/// <summary>What every template sees of PostgreSQL and Patroni (HAProxy's checks ask Patroni's REST port).</summary>
internal static class PatroniModel
{
    public static IEnumerable<ModelSection> Of(ClusterTopology topology, HostPlan plan)
    {
        var c = topology.Config;
        yield return new("scope", c.Patroni.Scope);
        yield return new("postgres", Obj(("port", c.Postgres.Port), ("version", c.PostgresVersion), ("tls", c.Tls.Enabled),
            ("data_dir", Components.PostgresDataDirectory(c)), ("bin_dir", Components.PostgresBinDirectory(c))));
        yield return new("patroni", Obj(("rest_port", c.Patroni.RestPort), ("tls", c.Tls.Enabled), ("dcs_top", DcsSection(c, "")),
            ("dcs_postgresql", DcsSection(c, PatroniDynamicConfig.PostgresqlSection)), ("dcs_parameters", DcsSection(c, PatroniDynamicConfig.ParametersSection))));
    }

    /// <summary>One section of Patroni's dynamic configuration for the bootstrap block; each value is JSON, which YAML reads alike.</summary>
    private static List<Scriban.Runtime.ScriptObject> DcsSection(StackConfig config, string section)
    {
        var settings = PatroniDynamicConfig.Of(config);
        var unplaced = settings.FirstOrDefault(s => s.Section is not ("" or PatroniDynamicConfig.PostgresqlSection or PatroniDynamicConfig.ParametersSection));
        if (unplaced is not null)
            throw new InvalidOperationException($"patroni.yml.sbn has no place for {unplaced.Path}");
        return settings.Where(s => s.Section == section).Select(s => Obj(("key", s.Key), ("json", StackRenderer.JsonAsYaml(s.Json)))).ToList();
    }
}
