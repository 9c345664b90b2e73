using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>
/// Configuration as the Pulumi engine hands it to a program (decrypted values, objects as JSON text, the secret
/// keys listed) goes through the same binding, validation, rendering and graph as the stack file itself.
/// </summary>
public class EngineConfigTests
{
    private static Dictionary<string, string> AsEngineConfig(string stackFile) =>
        EngineConfig.FromStackFile(File.ReadAllText(Path.Combine(TestStacks.Directory, stackFile)));

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public void The_engines_config_gives_the_same_graph_as_the_stack_file(string stack)
    {
        var fromFile = StackPipeline.Plan(TestStacks.LoadFile(stack).Config!, new string('0', 64));
        var loaded = StackPipeline.LoadFromEngine("hastack", stack, AsEngineConfig($"Pulumi.{stack}.yaml"), []);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var fromEngine = StackPipeline.Plan(loaded.Config!, new string('0', 64));
        Assert.Equal(fromFile.Graph.Resources.Select(r => (r.Id, r.InputHash)), fromEngine.Graph.Resources.Select(r => (r.Id, r.InputHash)));
    }

    [Fact]
    public void A_password_under_a_key_the_engine_holds_secret_is_a_secret_and_the_same_in_plaintext_is_refused()
    {
        var config = AsEngineConfig("Pulumi.three.yaml");
        config["hastack:postgres"] = """{"users": [{"name": "app", "password": "s3cret-from-any-provider"}]}""";
        var secret = StackPipeline.LoadFromEngine("hastack", "three", config, ["hastack:postgres"]);
        Assert.False(secret.HasErrors, string.Join("\n", secret.Diagnostics));
        Assert.Equal("s3cret-from-any-provider", secret.Config!.Postgres.Users[0].Password!.Reveal());
        var plain = StackPipeline.LoadFromEngine("hastack", "three", config, []);
        var d = Assert.Single(plain.Diagnostics, d => d.Rule == "secret-in-plaintext");
        Assert.Equal("hastack:postgres.users[0].password", d.Key);
        Assert.DoesNotContain("s3cret", string.Join("\n", plain.Diagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_stack_is_refused_with_the_same_rules_as_from_the_stack_file()
    {
        var config = AsEngineConfig("Pulumi.three.yaml");
        config["hastack:vip"] = """{"address": "10.77.0.017/24", "routerId": 300}""";
        config["hastack:patorni"] = """{"ttl": 30}""";
        config["hastack:postgres"] = """{"parameters": {"PORT": "1", "work_mem\r\nrestapi": "x"}}""";
        config["aws:region"] = "eu-west-1";
        var loaded = StackPipeline.LoadFromEngine("hastack", "three", config, []);
        Assert.Null(loaded.Config);
        var rules = loaded.Diagnostics.Select(d => (d.Rule, d.Key)).ToList();
        Assert.Contains(("vip-address", "hastack:vip.address"), rules);
        Assert.Contains(("router-id-range", "hastack:vip.routerId"), rules);
        Assert.Contains(("unknown-key", "hastack:patorni"), rules);
        Assert.Contains(("postgres-managed-parameter", "hastack:postgres.parameters.PORT"), rules);
        Assert.Contains(("control-character", "hastack:postgres.parameters.work_mem\\u000d\\u000arestapi"), rules);
        Assert.Contains(("foreign-namespace", "aws:region"), rules);
        Assert.All(loaded.Diagnostics, d => Assert.Equal(EngineConfig.Source, d.Location?.File));
    }

    [Fact]
    public void Nesting_past_the_limit_in_an_engine_value_is_refused_not_followed()
    {
        var config = AsEngineConfig("Pulumi.three.yaml");
        config["hastack:postgres"] = new string('[', 100_000) + new string(']', 100_000);
        var loaded = StackPipeline.LoadFromEngine("hastack", "three", config, []);
        Assert.Contains(loaded.Diagnostics, d => d.Rule == "yaml-too-deep" && d.Key == "hastack:postgres");
    }
}
