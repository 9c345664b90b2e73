using System.Text.Json.Nodes;
using HaStack.Infra.Graph;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Tests;

/// <summary>
/// Patroni's dynamic configuration, said once: the bootstrap block of patroni.yml and the cluster's PatroniConfig
/// resource carry the same settings, a stack change reaches the resource setting by setting, and what Patroni
/// gives back is compared with what the stack wants.
/// </summary>
public class PatroniDynamicConfigTests
{
    private static ResourceGraph GraphOf(string stackText) => StackPipeline.Plan(TestStacks.Valid(stackText)).Graph;

    private static PatroniConfigInputs ConfigOf(ResourceGraph graph) =>
        (PatroniConfigInputs)graph[$"{ResourceTypes.PatroniConfig}::dynamic-configuration"].Spec;

    [Fact]
    public void The_stacks_parameters_and_timing_become_settings_and_a_parameter_keeps_its_text()
    {
        var settings = PatroniDynamicConfig.Of(TestStacks.Valid(TestStacks.MinimalWith(
            "hastack:patroni: { ttl: 30 }\nhastack:postgres:\n  parameters: { Work_Mem: 8MB, max_connections: '300' }")))
            .ToDictionary(s => s.Path, s => s.Json);
        Assert.Equal("30", settings["ttl"]);
        Assert.Equal("1", settings["loop_wait"]);
        Assert.Equal("true", settings["synchronous_mode"]);
        Assert.Equal("\"8MB\"", settings["postgresql/parameters/work_mem"]);
        Assert.Equal("\"300\"", settings["postgresql/parameters/max_connections"]);
        Assert.Equal("10", settings["postgresql/parameters/max_wal_senders"]);
        Assert.Equal("true", settings["postgresql/use_pg_rewind"]);
    }

    [Fact]
    public void Patroni_yml_bootstraps_the_cluster_with_exactly_the_settings_the_resource_writes()
    {
        var plan = StackPipeline.Plan(TestStacks.Valid(TestStacks.MinimalWith("hastack:postgres:\n  parameters: { work_mem: 8MB, search_path: '\"$user\", public' }")));
        var yaml = plan.Files.Single(f => f.Host == "node1" && f.Path == "/etc/patroni/config.yml").Content;
        var bootstrap = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(yaml)["bootstrap"];
        var dcs = (Dictionary<object, object>)((Dictionary<object, object>)bootstrap)["dcs"];
        var fromYaml = PatroniDynamicConfig.Flatten(System.Text.Json.JsonSerializer.Serialize(ToPlain(dcs)));
        var wanted = ConfigOf(plan.Graph).Settings;
        Assert.Empty(PatroniDynamicConfig.Differences(wanted, fromYaml));
        Assert.Contains(wanted, s => s.Path == "postgresql/parameters/search_path" && s.Json == "\"\\u0022$user\\u0022, public\"");
    }

    // YAML's scalars as strings: the comparison treats "1" and 1 alike, as PostgreSQL does
    private static object ToPlain(object node) => node is Dictionary<object, object> map
        ? map.ToDictionary(kv => (string)kv.Key, kv => ToPlain(kv.Value))
        : node;

    [Fact]
    public void A_parameter_change_touches_the_cluster_configuration_and_patroni_yml_and_nothing_else()
    {
        var before = GraphOf(TestStacks.Minimal);
        var after = GraphOf(TestStacks.MinimalWith("hastack:postgres:\n  parameters: { work_mem: 8MB }"));
        var changed = before.Resources.Where(r => r.InputHash != after[r.Id].InputHash).Select(r => r.Id).Order().ToList();
        var expected = new[] { "node1", "node2", "node3" }
            .SelectMany(n => new[] { $"{ResourceTypes.File}::{n}:/etc/patroni/config.yml", $"{ResourceTypes.Service}::{n}:patroni" })
            .Append($"{ResourceTypes.PatroniConfig}::dynamic-configuration").Order().ToList();
        Assert.Equal(expected, changed);
        var config = after[$"{ResourceTypes.PatroniConfig}::dynamic-configuration"];
        Assert.Equal(["settings[postgresql/parameters/work_mem]"], ResourceKinds.Of(config.Type).Diff(before[config.Id].Spec, config.Spec).Paths);
        Assert.Contains(config.DependsOn, d => d == $"{ResourceTypes.Service}::node1:patroni");
        Assert.Contains(config.Id, after[$"{ResourceTypes.Verification}::vip-failover"].DependsOn);
    }

    [Fact]
    public void Recorded_settings_read_back_as_they_were_and_a_tampered_one_is_refused()
    {
        var inputs = ConfigOf(GraphOf(TestStacks.MinimalWith("hastack:postgres:\n  parameters: { pg_stat_statements.track: all }")));
        var json = inputs.ToJson();
        var back = PatroniConfigInputs.Parse(json);
        Assert.Equal(inputs.Settings, back.Settings);
        Assert.Equal(inputs.Targets, back.Targets);
        Assert.Equal("\"all\"", json["settings"]!["postgresql/parameters/pg_stat_statements.track"]!.ToJsonString());

        JsonObject With(Action<JsonObject> change)
        {
            var copy = json.DeepClone().AsObject();
            change(copy);
            return copy;
        }
        JsonObject Target(string address, JsonNode port) => new() { ["host"] = "node1", ["address"] = address, ["port"] = port, ["tls"] = false };
        foreach (var hostile in new Action<JsonObject>[]
        {
            j => j["settings"]!["ttl"] = new JsonObject { ["a"] = 1 },
            j => j["settings"]!["ttl"] = new JsonArray(1),
            j => j["settings"]!["ttl"] = null,
            j => j["settings"]!["postgresql/../x"] = 1,
            j => j["targets"] = new JsonArray(Target("10.0.0.1;reboot", 8008)),
            j => j["targets"] = new JsonArray(Target("10.0.0.1", "8008")),
            j => j["targets"] = new JsonArray(Target("10.0.0.1", 70000)),
            j => j["targets"] = "node1=10.0.0.1:8008",
            j => j["script"] = "x",
            j => j["password"] = "hunter2",
        })
            Assert.Throws<InvalidInputException>(() => PatroniConfigInputs.Parse(With(hostile)));
        // with TLS the targets say https; a target recorded without TLS is plain HTTP
        Assert.All(inputs.Targets, t => Assert.True(t.Tls));
        Assert.Equal("https://10.77.0.11:8008/config", inputs.Targets[0].Url("/config"));
        var plain = PatroniConfigInputs.Parse(With(j => j["targets"] = new JsonArray(Target("10.77.0.11", 8008)))).Targets.Single();
        Assert.Equal(("http://10.77.0.11:8008/config", false), (plain.Url("/config"), plain.Tls));
    }

    [Fact]
    public void The_JSON_body_nests_sections_and_round_trips_through_what_Patroni_gives_back()
    {
        var settings = new[] { new DcsSetting("ttl", "20"), new DcsSetting("postgresql/use_slots", "true"), new DcsSetting("postgresql/parameters/work_mem", "\"8MB\"") };
        var json = PatroniDynamicConfig.ToJson(settings);
        Assert.Equal("{\"ttl\":20,\"postgresql\":{\"use_slots\":true,\"parameters\":{\"work_mem\":\"8MB\"}}}", json);
        Assert.Equal(settings.OrderBy(s => s.Path, StringComparer.Ordinal), PatroniDynamicConfig.Flatten(json));
    }

    [Fact]
    public void Drift_names_each_setting_changed_by_hand_missing_or_added_and_a_number_given_as_text_is_no_drift()
    {
        var wanted = new[] { new DcsSetting("ttl", "20"), new DcsSetting("loop_wait", "1"), new DcsSetting("postgresql/parameters/max_connections", "\"300\"") };
        var running = PatroniDynamicConfig.Flatten("{\"ttl\": 30, \"postgresql\": {\"parameters\": {\"max_connections\": 300, \"work_mem\": \"64MB\"}}}");
        Assert.Equal(["ttl: 30 (want 20)", "loop_wait: missing (want 1)", "postgresql/parameters/work_mem: \"64MB\" (not in the stack)"],
            PatroniDynamicConfig.Differences(wanted, running));
        Assert.Empty(PatroniDynamicConfig.Differences(wanted, PatroniDynamicConfig.Flatten(PatroniDynamicConfig.ToJson(wanted))));
    }
}
