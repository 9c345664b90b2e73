using System.Globalization;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A generated password: made once, kept encrypted in state; a replace makes a new one. Destroy keeps it unless
/// the data goes too: the kept data directory has the roles with these passwords, and the next up must match them.
/// </summary>
internal sealed class PasswordProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        if (recorded is not null)
            context.Secrets.Forget(desired.Name);
        context.Secrets.Generate(desired.Name, int.Parse(desired.Inputs["length"], CultureInfo.InvariantCulture));
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
