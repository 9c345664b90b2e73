using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The host's Debian packages, installed with its own apt. Destroy leaves them installed: they are the
/// distribution's, and other software may need them; HaStack removes only what it wrote and started.
/// </summary>
internal sealed class PackagesProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        context.Session(change.Desired!.Host!).Check(ResourceOperations.Of(change.Desired.Spec).Create!);
        return Providers.NoOutputs;
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var packages = (PackagesInputs)recorded.Spec;
        if (packages.Packages.Count == 0)
            return null;
        var result = context.Session(recorded.Host!).Run(ResourceOperations.Of(packages).Read!);
        var installed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.EndsWith(" installed", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = packages.Packages.Where(p => !installed.Contains(p)).ToList();
        return missing.Count == 0 ? null : $"not installed: {string.Join(", ", missing)}";
    }
}
