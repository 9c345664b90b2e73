using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;
using HaStack.Infra.Stack;
using HaStack.Infra.Topology;
using HaStack.Vrrp.Config;

namespace HaStack.Infra;

/// <summary>A valid stack, carried through the pipeline: topology, the files of every host, and the resource graph.</summary>
public sealed record StackPlan(StackConfig Config, ClusterTopology Topology, IReadOnlyList<RenderedFile> Files, ResourceGraph Graph);

/// <summary>
/// The one pipeline both engines share, one way only: stack files → config (validated) → topology → rendered
/// files → resource graph. Nothing past validation runs on a stack with errors.
/// </summary>
public static class StackPipeline
{
    /// <summary>Reads and validates a stack. The passphrase comes from PULUMI_CONFIG_PASSPHRASE or _FILE, as with pulumi.</summary>
    public static StackLoadResult Load(string directory, string stack, Func<string, string?> environment) =>
        StackConfigBinder.Load(StackFiles.Read(directory, stack), () => Passphrase(environment));

    public static string? Passphrase(Func<string, string?> environment)
    {
        if (environment("PULUMI_CONFIG_PASSPHRASE") is { } phrase)
            return phrase;
        return environment("PULUMI_CONFIG_PASSPHRASE_FILE") is { Length: > 0 } file && File.Exists(file)
            ? File.ReadAllText(file) // as pulumi reads it: a trailing newline is part of the passphrase
            : null;
    }

    /// <param name="agentSha256">the SHA-256 of the agent binary that would be deployed, when one is built</param>
    public static StackPlan Plan(StackConfig config, string? agentSha256 = null)
    {
        var topology = ClusterTopology.Of(config);
        var files = StackRenderer.Render(topology);
        CheckAgentConfigs(files);
        return new StackPlan(config, topology, files, ResourceGraph.Build(topology, files, agentSha256));
    }

    /// <summary>The agent's own reader checks the agent config we generate: a template bug stops here, not on a host.</summary>
    private static void CheckAgentConfigs(IReadOnlyList<RenderedFile> files)
    {
        foreach (var file in files.Where(f => f.Path == StackRenderer.AgentConfigPath))
        {
            var text = SecretTokens.Substitute(file.Content, _ => "secret");
            var result = ConfigLoader.Load(file.Path, new InMemoryConfigSource(new Dictionary<string, string> { [file.Path] = text }));
            if (result.HasErrors)
                throw new InvalidOperationException($"the agent config rendered for {file.Host} does not load: {string.Join("; ", result.Diagnostics)}");
        }
    }
}
