using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A systemd service, enabled and running, and ready before its dependents start. It is restarted only when
/// something it reads at start changed (or it was found stopped), reloaded when only reloadable files changed,
/// and left alone otherwise: a second up restarts nothing.
/// </summary>
internal sealed class ServiceProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var service = (ServiceInputs)change.Desired!.Spec;
        var scripts = ResourceOperations.Of(service);
        // "drift" on a service is the service itself found stopped: it starts again whatever else changed
        var restart = change.Recorded is null || change.Drifted;
        var effect = restart ? ServiceEffect.Restart : change.Diff.Effect;
        context.Log($"{change.Host}: {effect switch { ServiceEffect.Restart => "(re)starting", ServiceEffect.Reload => "reloading", _ => "checking" }} {service.Unit}");
        context.Session(change.Host!).Check(restart ? scripts.Create! : scripts.Update(effect)!);
        return new Dictionary<string, string> { ["active"] = "true" };
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        var service = (ServiceInputs)recorded.Spec;
        if (context.PurgeData && service.DataDirectories.Count > 0)
            context.Log($"{recorded.Host}: --purge-data: removing {string.Join(", ", service.DataDirectories)}");
        var scripts = ResourceOperations.Of(service);
        context.Session(recorded.Host!).Check(context.PurgeData ? scripts.DeleteWithData! : scripts.Delete!);
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var service = (ServiceInputs)recorded.Spec;
        var state = context.Session(recorded.Host!).Check(ResourceOperations.Of(service).Read!).Trim();
        return state == "active" ? null : $"the service is {state}, not active";
    }
}
