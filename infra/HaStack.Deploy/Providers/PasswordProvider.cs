using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A generated password: made once, kept encrypted in state; a replace makes a new one. Destroy keeps it unless
/// the data goes too: the kept data directory has the roles with these passwords, and the next up must match them.
/// </summary>
internal sealed class PasswordProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        if (change.Recorded is not null)
            context.Secrets.Forget(change.Name);
        context.Secrets.Generate(change.Name, ((PasswordInputs)change.Desired!.Spec).Length);
        return Providers.NoOutputs;
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        if (context.PurgeData)
            context.Secrets.Forget(recorded.Name);
    }

    public string? Drift(ApplyContext context, ResourceState recorded) =>
        context.Secrets.Has(recorded.Name) ? null : "its value is missing from state";
}
