using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;
using HaStack.Infra.Stack;
using HaStack.Infra.Topology;
using HaStack.Vrrp.Config;

namespace HaStack.Infra;

/// <summary>The passphrase file named by the environment cannot be used; the message says why.</summary>
internal sealed class PassphraseUnreadableException(string message) : Exception(message);

/// <summary>A valid stack, carried through the pipeline: topology, the files of every host, and the resource graph.</summary>
internal sealed record StackPlan(StackConfig Config, ClusterTopology Topology, IReadOnlyList<RenderedFile> Files, ResourceGraph Graph);

/// <summary>
/// The one pipeline both engines share, one way only: stack files → config (validated) → topology → rendered
/// files → resource graph. Nothing past validation runs on a stack with errors.
/// </summary>
internal static class StackPipeline
{
    /// <summary>Reads and validates a stack. The passphrase comes from PULUMI_CONFIG_PASSPHRASE or _FILE, as with pulumi.</summary>
    public static StackLoadResult Load(string directory, string stack, Func<string, string?> environment) =>
        StackConfigBinder.Load(StackFiles.Read(directory, stack), () => Passphrase(environment));

    /// <summary>
    /// Reads and validates a stack from configuration the Pulumi engine gives a program (decrypted, with its secret
    /// keys): the same binding and validation as <see cref="Load"/>, so both engines refuse the same stacks with the
    /// same messages.
    /// </summary>
    public static StackLoadResult LoadFromEngine(string projectName, string stackName, IReadOnlyDictionary<string, string> config, IReadOnlyCollection<string> secretKeys) =>
        StackConfigBinder.Load(EngineConfig.Read(projectName, stackName, config, secretKeys), () => null);

    /// <summary>The longest passphrase file read: a passphrase is a line, and /dev/zero would never end.</summary>
    public const int MaxPassphraseFileBytes = 64 * 1024;

    /// <exception cref="PassphraseUnreadableException">PULUMI_CONFIG_PASSPHRASE_FILE names something that is not a small regular file</exception>
    public static string? Passphrase(Func<string, string?> environment)
    {
        if (environment("PULUMI_CONFIG_PASSPHRASE") is { } phrase)
            return phrase;
        if (environment("PULUMI_CONFIG_PASSPHRASE_FILE") is not { Length: > 0 } file)
            return null;
        try
        {
            // as pulumi reads it: a trailing newline is part of the passphrase
            return System.Text.Encoding.UTF8.GetString(LocalFiles.BoundedFile.ReadBytes(file, MaxPassphraseFileBytes, $"PULUMI_CONFIG_PASSPHRASE_FILE={file}"));
        }
        catch (LocalFiles.LocalFileException e)
        {
            throw new PassphraseUnreadableException(e.Message);
        }
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
        foreach (var file in files.Where(f => f.Path == Components.AgentConfigPath))
        {
            var text = SecretTokens.Substitute(file.Content, _ => "secret");
            var result = ConfigLoader.Load(file.Path, new InMemoryConfigSource(new Dictionary<string, string> { [file.Path] = text }));
            if (result.HasErrors)
                throw new InvalidOperationException($"the agent config rendered for {file.Host} does not load: {string.Join("; ", result.Diagnostics)}");
        }
    }
}
