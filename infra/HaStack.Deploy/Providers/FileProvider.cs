using System.Security.Cryptography;
using System.Text;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Vrrp.Config;

namespace HaStack.Deploy.Providers;

/// <summary>A file on a host, written atomically with its owner and mode; its secrets are filled in only on the way out.</summary>
internal sealed class FileProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var file = (FileInputs)change.Desired!.Spec;
        var text = context.Secrets.Reveal(file.Content);
        if (file.CheckAsAgentConfig)
            CheckAgentConfig(file.Path, text);
        var content = Encoding.UTF8.GetBytes(text);
        context.Session(change.Desired.Host!).Check(ResourceOperations.Of(file).Create!, content);
        return new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)) };
    }

    /// <summary>The agent's own reader, on the real secret values: a config the daemon would refuse never reaches the host.</summary>
    private static void CheckAgentConfig(string path, string text)
    {
        var result = ConfigLoader.Load(path, new InMemoryConfigSource(new Dictionary<string, string> { [path] = text }));
        if (result.HasErrors)
            throw new InvalidOperationException($"the agent config for {path} does not load with its secrets filled in; it was not written: " +
                string.Join("; ", result.Diagnostics.Where(d => d.Severity == HaStack.Vrrp.Config.Severity.Error).Select(d => d.Message)));
    }

    public void Delete(ApplyContext context, ResourceState recorded) =>
        context.Session(recorded.Host!).Check(ResourceOperations.Of(recorded.Spec).Delete!);

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var actual = context.Session(recorded.Host!).Sha256Of(((FileInputs)recorded.Spec).Path);
        return actual is null ? "the file is gone"
            : actual != recorded.Outputs.GetValueOrDefault("sha256") ? "the file was changed on the host"
            : null;
    }
}
