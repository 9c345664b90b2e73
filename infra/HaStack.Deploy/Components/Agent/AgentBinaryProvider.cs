using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>The native hastack-vrrpd binary: uploaded only when the host's copy has another hash.</summary>
internal sealed class AgentBinaryProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var binary = (AgentBinaryInputs)change.Desired!.Spec;
        var session = context.Session(change.Desired.Host!);
        if (binary.Sha256 is null)
            throw new InvalidOperationException("no agent binary was built, so none can be installed");
        if (session.Sha256Of(binary.Path) != binary.Sha256)
            session.Check(ResourceOperations.Of(binary).Create!, context.AgentBinary());
        return new Dictionary<string, string> { ["sha256"] = binary.Sha256 };
    }

    public void Delete(ApplyContext context, ResourceState recorded) =>
        context.Session(recorded.Host!).Check(ResourceOperations.Of(recorded.Spec).Delete!);

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var binary = (AgentBinaryInputs)recorded.Spec;
        return context.Session(recorded.Host!).Sha256Of(binary.Path) == binary.Sha256 ? null : "the binary was changed or removed";
    }
}
