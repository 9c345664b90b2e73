using System.Security.Cryptography;
using System.Text;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>A file on a host, written atomically with its owner and mode; its secrets are filled in only on the way out.</summary>
internal sealed class FileProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        var content = Encoding.UTF8.GetBytes(context.Secrets.Reveal(desired.Inputs["content"]));
        var session = context.Session(desired.Host!);
        session.WriteFile(desired.Inputs["path"], content, desired.Inputs["mode"], desired.Inputs["owner"], desired.Inputs["group"]);
        if (recorded is not null && recorded.Inputs.GetValueOrDefault("path") is { } oldPath && oldPath != desired.Inputs["path"])
            session.Run($"rm -f {oldPath}");
        return new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)) };
    }

    public void Delete(ApplyContext context, ResourceState recorded) =>
        context.Session(recorded.Host!).Check($"removing {recorded.Inputs["path"]}", $"rm -f {recorded.Inputs["path"]}");

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var actual = context.Session(recorded.Host!).Sha256Of(recorded.Inputs["path"]);
        return actual is null ? "the file is gone"
            : actual != recorded.Outputs.GetValueOrDefault("sha256") ? "the file was changed on the host"
            : null;
    }
}
