using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>The native hastack-vrrpd binary: uploaded only when the host's copy has another hash.</summary>
internal sealed class AgentBinaryProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        var session = context.Session(desired.Host!);
        var path = desired.Inputs["path"];
        if (session.Sha256Of(path) != desired.Inputs["sha256"])
            session.WriteFile(path, File.ReadAllBytes(context.AgentBinaryPath), desired.Inputs["mode"], "root", "root");
        return new Dictionary<string, string> { ["sha256"] = desired.Inputs["sha256"] };
    }

    public void Delete(ApplyContext context, ResourceState recorded) =>
        context.Session(recorded.Host!).Check("removing the agent", $"rm -f {recorded.Inputs["path"]}");

    public string? Drift(ApplyContext context, ResourceState recorded) =>
        context.Session(recorded.Host!).Sha256Of(recorded.Inputs["path"]) == recorded.Inputs["sha256"] ? null : "the binary was changed or removed";
}
