using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Deploy.Verification;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The end of every deployment that changed something: the failover proof (<see cref="FailoverProof"/>), unless
/// the stack turns it off. Its figures become stack outputs.
/// </summary>
internal sealed class VerificationProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        if (!((VerificationInputs)change.Desired!.Spec).Enabled)
            return new Dictionary<string, string> { ["enabled"] = "false" };
        context.Log("verifying: SQL through the VIP, then the VIP holder's proxy is stopped and the failover measured");
        var outputs = new FailoverProof(context).Run();
        context.Log($"verified: VIP {outputs["vipHolderBefore"]} -> {outputs["vipHolderAfter"]} in {outputs["vipMoveMs"]} ms, SQL again after {outputs["sqlRecoveryMs"]} ms");
        return outputs;
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
    }

    public string? Drift(ApplyContext context, ResourceState recorded) => null;
}
