using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The end-of-deployment proof. This engine records that the deployment reached it; the failover proof itself
/// (SQL through the VIP, stop the VIP holder's proxy, measure) is the verification step of the full-stack issue.
/// </summary>
internal sealed class VerificationProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded) =>
        new Dictionary<string, string> { ["enabled"] = desired.Inputs["enabled"] };

    public void Delete(ApplyContext context, ResourceState recorded)
    {
    }

    public string? Drift(ApplyContext context, ResourceState recorded) => null;
}
