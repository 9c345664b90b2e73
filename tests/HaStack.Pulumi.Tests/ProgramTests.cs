using System.Collections.Immutable;
using System.Text.Json;
using HaStack.Infra;
using HaStack.Pulumi.Mapping;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace HaStack.Pulumi.Tests;

/// <summary>
/// The Pulumi program run under Pulumi's testing API (here the recording runtime of the compile-check surface):
/// what it declares for the 3- and 5-host stacks against the graph, the embedded engine's operations, secrets and
/// host keys. Serial: the program reads the engine's configuration from the process environment.
/// </summary>
[Collection(nameof(ProgramTests))]
public sealed class ProgramTests : IDisposable
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhhc3RhY2stdGVzdC1rZXktZm9yLXBpbm5pbmc=";
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-pulumi");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", null);
        Environment.SetEnvironmentVariable("HASTACK_AGENT_BINARY", null);
        dir.Delete(recursive: true);
    }

    /// <summary>Records every resource; a password's result and the proof's figures are what the real providers would give.</summary>
    private sealed class Mocks : IMocks
    {
        public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
        {
            var state = args.Inputs.ToBuilder();
            if (args.Type == "random:index/randomPassword:RandomPassword")
                state["result"] = $"generated{args.Name!.Replace("-", "", StringComparison.Ordinal)}Zz9";
            // what Pulumi.Tls gives, marked with the resource's name so a test can follow each PEM to the files that carry it
            if (args.Type == "tls:index/privateKey:PrivateKey")
            {
                state["privateKeyPem"] = $"-----BEGIN EC PRIVATE KEY-----\n{args.Name}\n-----END EC PRIVATE KEY-----\n";
                state["privateKeyPemPkcs8"] = $"-----BEGIN PRIVATE KEY-----\n{args.Name}\n-----END PRIVATE KEY-----\n";
            }
            if (args.Type is "tls:index/selfSignedCert:SelfSignedCert" or "tls:index/locallySignedCert:LocallySignedCert")
                state["certPem"] = $"-----BEGIN CERTIFICATE-----\n{args.Name}\n-----END CERTIFICATE-----\n";
            if (args.Type == "tls:index/certRequest:CertRequest")
                state["certRequestPem"] = $"-----BEGIN CERTIFICATE REQUEST-----\n{args.Name}\n-----END CERTIFICATE REQUEST-----\n";
            if (args.Type == "command:local:Command")
                state["stdout"] = """{"kind":"outputs","outputs":{"vipHolderBefore":"node1","vipHolderAfter":"node2","vipMoveMs":"12","sqlRecoveryMs":"40","verifiedAt":"2026-11-28 20:00:00Z"}}""";
            else if (args.Type?.StartsWith("command:", StringComparison.Ordinal) == true)
                state["stdout"] = "";
            return Task.FromResult<(string?, object)>(($"{args.Name}-id", state.ToImmutable()));
        }

        public Task<object> CallAsync(MockCallArgs args) => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty);
    }

    /// <summary>The stack file's config as the Pulumi engine hands it over, with this test's key, known_hosts and agent binary.</summary>
    private Dictionary<string, string> EngineConfig(string stack)
    {
        var config = Infra.Stack.EngineConfig.FromStackFile(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Stacks", $"Pulumi.{stack}.yaml")));
        var key = Path.Combine(dir.FullName, "id_ed25519");
        File.WriteAllText(key, "-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n-----END OPENSSH PRIVATE KEY-----\n");
        var knownHosts = Path.Combine(dir.FullName, "known_hosts");
        File.WriteAllLines(knownHosts, Enumerable.Range(11, 5).Select(i => $"10.77.0.{i} {Key}"));
        config["hastack:ssh"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["privateKeyFile"] = key, ["knownHostsFile"] = knownHosts });
        var agent = Path.Combine(dir.FullName, "hastack-vrrpd");
        File.WriteAllBytes(agent, [0x7f, 0x45, 0x4c, 0x46]);
        Environment.SetEnvironmentVariable("HASTACK_AGENT_BINARY", agent);
        return config;
    }

    private static async Task<(ImmutableArray<Resource> Resources, IDictionary<string, object?> Outputs)> Run(string stack, Dictionary<string, string> config,
        string[]? secretKeys = null, bool preview = false)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(secretKeys ?? []));
        // the program finds the project's files under RootDirectory (Pulumi.yaml's folder): set, as the engine sets it
        return await Deployment.TestAsync(new Mocks(), new TestOptions { ProjectName = "hastack", StackName = stack, IsPreview = preview, RootDirectory = AppContext.BaseDirectory },
            HaStackProgram.Run);
    }

    /// <summary>What the mapping declares for the same configuration: the reference the program is checked against.</summary>
    private static ProgramPlan Expected(string stack, Dictionary<string, string> config)
    {
        var loaded = StackPipeline.LoadFromEngine("hastack", stack, config, []);
        var agent = Environment.GetEnvironmentVariable("HASTACK_AGENT_BINARY")!;
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(agent)));
        return ProgramMapper.Map(StackPipeline.Plan(loaded.Config!, sha), _ => HostKeyPin.Of(Key), agent);
    }

    private static async Task<string?> Value(Output<string?> output) => await OutputUtilities.GetValueAsync(output);

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public async Task The_program_declares_one_resource_per_graph_resource_with_the_mappings_names_and_operations(string stack)
    {
        var config = EngineConfig(stack);
        var expected = Expected(stack, config);
        var (resources, _) = await Run(stack, config);
        var declared = resources.Where(r => r is CustomResource).ToDictionary(r => r.GetResourceName());
        Assert.Equal(expected.Resources.Select(r => r.Name).Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Targets.Count, resources.Count(r => r.GetResourceType() == "hastack:index:Host"));
        foreach (var resource in expected.Resources)
        {
            switch (declared[resource.Name])
            {
                case global::Pulumi.Command.Remote.Command command:
                    Assert.Equal(resource.Create, await Value(command.Create));
                    Assert.Equal(resource.Update, await Value(command.Update));
                    Assert.Equal(resource.Delete, await Value(command.Delete));
                    break;
                case global::Pulumi.Random.RandomPassword password:
                    Assert.Equal(32, await OutputUtilities.GetValueAsync(password.Length));
                    Assert.False(await OutputUtilities.GetValueAsync(password.Special));
                    break;
                case global::Pulumi.Command.Local.Command proof:
                    Assert.Equal(resource.Create, await Value(proof.Create));
                    break;
            }
        }
    }

#if !PULUMI_REAL
    // Pulumi's own mock monitor applies no secrecy to outputs (a provider's secret defaults, AdditionalSecretOutputs):
    // what this test asserts, only the surface's runtime can show
    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public async Task Secrets_are_secret_wherever_they_go_and_nowhere_else(string stack)
    {
        var config = EngineConfig(stack);
        var expected = Expected(stack, config).Resources.ToDictionary(r => r.Name);
        var (resources, outputs) = await Run(stack, config);
        var passwords = new List<string>();
        foreach (var password in resources.OfType<global::Pulumi.Random.RandomPassword>())
        {
            Assert.True(await Output.IsSecretAsync(password.Result));
            passwords.Add(await OutputUtilities.GetValueAsync(password.Result));
        }
        foreach (var command in resources.OfType<global::Pulumi.Command.Remote.Command>())
        {
            var spec = expected[command.GetResourceName()];
            if (spec.Stdin is not null)
                Assert.Equal(spec.Sensitive, await Output.IsSecretAsync(command.Stdin));
            var stdin = await Value(command.Stdin) ?? "";
            Assert.DoesNotContain("@@secret:", stdin, StringComparison.Ordinal);
            if (!spec.Sensitive)
                Assert.All(passwords, p => Assert.DoesNotContain(p, stdin, StringComparison.Ordinal));
            // a secret's holder logs nothing and keeps its output secret
            Assert.Equal(spec.Sensitive ? global::Pulumi.Command.Remote.Logging.None : global::Pulumi.Command.Remote.Logging.StdoutAndStderr, await OutputUtilities.GetValueAsync(command.Logging));
            Assert.Equal(spec.Sensitive, await Output.IsSecretAsync(command.Stdout));
            foreach (var text in new[] { await Value(command.Create), await Value(command.Update), await Value(command.Delete) })
                Assert.All(passwords, p => Assert.DoesNotContain(p, text ?? "", StringComparison.Ordinal));
        }
        // a file that needs a password gets it, filled in
        var patroni = resources.OfType<global::Pulumi.Command.Remote.Command>().First(c => c.GetResourceName().EndsWith("-etc-patroni-config.yml", StringComparison.Ordinal));
        Assert.Contains(passwords, p => (Value(patroni.Stdin).Result ?? "").Contains(p, StringComparison.Ordinal));
        Assert.True(await Output.IsSecretAsync((Output<string>)outputs["postgresPassword"]!));
        Assert.Equal(stack == "three" ? "10.77.0.100" : "10.77.0.101", outputs["vipAddress"]);
        // the proof's figures are plain outputs, although the proof's stdout is secret
        Assert.Equal("12", await OutputUtilities.GetValueAsync((Output<string>)outputs["vipMoveMs"]!));
        Assert.False(await Output.IsSecretAsync((Output<string>)outputs["vipMoveMs"]!));
        Assert.True(await Output.IsSecretAsync(resources.OfType<global::Pulumi.Command.Local.Command>().Single().Stdout));
    }

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public async Task Dependencies_parents_and_host_keys_are_the_mappings(string stack)
    {
        var config = EngineConfig(stack);
        var expected = Expected(stack, config);
        await Run(stack, config);
        var recorded = RecordingRuntime.Resources.Where(r => r.Custom).ToDictionary(r => r.Name);
        foreach (var resource in expected.Resources)
        {
            var seen = recorded[resource.Name];
            Assert.Equal(resource.DependsOn.Order(StringComparer.Ordinal), seen.DependsOn.Select(d => d.GetResourceName()).Order(StringComparer.Ordinal));
            Assert.Equal(resource.Host, seen.Parent?.GetResourceName());
            if (resource.Kind is ProgramResourceKind.RemoteCommand or ProgramResourceKind.CopyToRemote)
            {
                var connection = (ImmutableDictionary<string, object>)seen.Inputs["connection"];
                Assert.Equal(Key, connection["hostKey"]);
                Assert.Contains("connection", seen.SecretInputs);
            }
            Assert.Equal(resource.DeleteBeforeReplace, ((CustomResourceOptions)seen.Options).DeleteBeforeReplace ?? false);
            // a generated password and the generated CA outlive pulumi destroy (protected), as the data they open does
            Assert.Equal(resource.Protect, seen.Options.Protect ?? false);
            Assert.Equal(resource.Kind == ProgramResourceKind.RandomPassword || resource.GraphId.StartsWith(Infra.Graph.ResourceTypes.CertificateAuthority, StringComparison.Ordinal),
                resource.Protect);
        }
    }
#endif

    [Fact]
    public async Task A_preview_declares_the_same_resources_as_an_update()
    {
        var config = EngineConfig("three");
        var up = (await Run("three", config, preview: false)).Resources.Select(r => (r.GetResourceType(), r.GetResourceName())).ToList();
        var preview = (await Run("three", config, preview: true)).Resources.Select(r => (r.GetResourceType(), r.GetResourceName())).ToList();
        Assert.Equal(up.Order(), preview.Order());
    }

    [Fact]
    public async Task An_invalid_stack_stops_the_program_with_the_validators_messages()
    {
        var config = EngineConfig("three");
        config["hastack:vip"] = """{"address": "10.77.0.017/24"}""";
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Run("three", config));
        var message = e is AggregateException a ? string.Join("\n", a.Flatten().InnerExceptions.Select(x => x.Message)) : e.Message;
        Assert.Contains("hastack:vip.address: '10.77.0.017' is not an IPv4 address in dotted-quad form", message, StringComparison.Ordinal);
        Assert.Contains("[vip-address]", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_without_a_pinned_key_stops_the_program()
    {
        var config = EngineConfig("three");
        File.WriteAllText(Path.Combine(dir.FullName, "known_hosts"), $"10.77.0.11 {Key}\n");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Run("three", config));
        Assert.Contains("node2: no host key to pin", e.Message, StringComparison.Ordinal);
        Assert.Contains("node3: no host key to pin", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("node1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_stack_carries_the_CA_and_each_hosts_certificate_and_key_from_Pulumi_Tls_to_its_files()
    {
        var config = EngineConfig("three");
        var (resources, outputs) = await Run("three", config);
        var commands = resources.OfType<global::Pulumi.Command.Remote.Command>().ToDictionary(c => c.GetResourceName());
        foreach (var host in new[] { "node1", "node2", "node3" })
        {
            Assert.Contains("\ncertificate-" + host + "\n", await Value(commands[$"file-{host}-etc-hastack-tls-host.crt"].Stdin), StringComparison.Ordinal);
            Assert.Contains("\ncertificate-" + host + "-key\n", await Value(commands[$"file-{host}-etc-hastack-tls-host.key"].Stdin), StringComparison.Ordinal);
            Assert.Contains("\ncertificateauthority-cluster-ca\n", await Value(commands[$"file-{host}-etc-hastack-tls-ca.crt"].Stdin), StringComparison.Ordinal);
            // PgBouncer reloads when its key's content changes: its standard input carries the filled-in file's hash
            Assert.Matches("/etc/hastack/tls/pgbouncer.key filled [0-9a-f]{64}\n", await Value(commands[$"service-{host}-pgbouncer"].Stdin));
        }
        Assert.Contains("\ncertificateauthority-cluster-ca\n", (string)await OutputUtilities.GetValueAsync((Output<string>)outputs["caCertificate"]!), StringComparison.Ordinal);
        Assert.Equal(3, resources.OfType<global::Pulumi.Tls.LocallySignedCert>().Count());
#if !PULUMI_REAL
        // the certificate is issued anew within renewDaysBefore (30 days by default) of its end
        var signed = RecordingRuntime.Resources.Single(r => r.Name == "certificate-node1");
        Assert.Equal((24 * 30, 24 * 365), ((int)signed.Inputs["earlyRenewalHours"], (int)signed.Inputs["validityPeriodHours"]));
        Assert.Contains("caPrivateKeyPem", signed.SecretInputs);
        Assert.False(await Output.IsSecretAsync((Output<string>)outputs["caCertificate"]!));
        Assert.True(await Output.IsSecretAsync(commands["file-node1-etc-hastack-tls-host.key"].Stdin));
        Assert.True(await Output.IsSecretAsync(commands["service-node1-pgbouncer"].Stdin));
#endif
    }
}
