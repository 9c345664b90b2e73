using System.Text;
using System.Text.Json;
using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Infra.Topology;

namespace HaStack.Deploy.Providers;

/// <summary>
/// Patroni's dynamic configuration in the running cluster: written whole through the REST API of the first database
/// host that takes it (Patroni keeps it in etcd, and every member applies it on its next loop), read back for drift.
/// A setting PostgreSQL takes only at start leaves members waiting for a restart: its own step rolls it (<see cref="RollingRestartProvider"/>).
/// </summary>
internal sealed class PatroniConfigProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var wanted = (PatroniConfigInputs)change.Desired!.Spec;
        var body = Encoding.UTF8.GetBytes(context.Secrets.Reveal(PatroniConfigInputs.PasswordToken) + "\n" + PatroniDynamicConfig.ToJson(wanted.Settings));
        var failures = new List<string>();
        foreach (var target in wanted.Targets)
        {
            var put = context.Session(target.Host).Run(HostOperations.PutPatroniConfig(target), body);
            if (!put.Ok)
            {
                failures.Add($"{target.Host}: {put.Stderr.Trim()}");
                continue;
            }
            return new Dictionary<string, string> { ["appliedThrough"] = target.Host };
        }
        throw new Remote.HostOperationException($"no database host took Patroni's configuration: {string.Join("; ", failures)}");
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        // the cluster keeps its configuration with its data: destroy leaves both
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var wanted = (PatroniConfigInputs)recorded.Spec;
        foreach (var target in wanted.Targets)
        {
            var read = context.Session(target.Host).Run(HostOperations.ReadPatroniConfig(target));
            if (!read.Ok)
                continue;
            try
            {
                var differences = PatroniDynamicConfig.Differences(wanted.Settings, PatroniDynamicConfig.Flatten(read.Stdout));
                return differences.Count == 0 ? null : $"Patroni's configuration differs: {string.Join("; ", differences)}";
            }
            catch (JsonException e)
            {
                return $"Patroni's configuration could not be read: {e.Message}";
            }
        }
        return "no database host answered with Patroni's configuration";
    }
}
