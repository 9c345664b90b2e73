using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The host's Debian packages, installed with its own apt. Destroy leaves them installed: they are the
/// distribution's, and other software may need them; HaStack removes only what it wrote and started.
/// </summary>
internal sealed class PackagesProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        var packages = desired.Inputs["packages"];
        if (packages.Length > 0)
        {
            // apt's lists may be old on a long-lived host: refresh them only when an install cannot find a package
            context.Session(desired.Host!).Check("installing packages", $$"""
                export DEBIAN_FRONTEND=noninteractive
                apt-get install -q -y --no-install-recommends {{packages}} >/tmp/hastack-apt.log 2>&1 ||
                  { apt-get update -q >>/tmp/hastack-apt.log 2>&1 && apt-get install -q -y --no-install-recommends {{packages}} >>/tmp/hastack-apt.log 2>&1; } ||
                  { tail -20 /tmp/hastack-apt.log >&2; exit 1; }
                """, timeout: TimeSpan.FromMinutes(10));
        }
        return Providers.NoOutputs;
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var packages = recorded.Inputs["packages"];
        if (packages.Length == 0)
            return null;
        var result = context.Session(recorded.Host!).Run($"dpkg-query -W -f '${{Package}} ${{db:Status-Status}}\\n' {packages} 2>&1");
        var missing = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.EndsWith(" installed", StringComparison.Ordinal)).ToList();
        return result.Ok && missing.Count == 0 ? null : $"not installed: {string.Join(", ", missing.Select(l => l.Split(' ')[0]))}";
    }
}
