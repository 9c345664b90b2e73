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
/// A setting PostgreSQL takes only at start leaves members waiting for a restart: Apply rolls it (<see cref="Cluster.RollingRestart"/>).
/// </summary>
internal sealed class PatroniConfigProvider : IResourceProvider
{
    /// <summary>How long members have to apply a new configuration (a few of Patroni's loops) before it is checked.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

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
            var waiting = PendingRestarts(context, target, wanted);
            if (waiting.Count == 0)
                return new Dictionary<string, string> { ["appliedThrough"] = target.Host, ["restarted"] = "" };
            // a failure here fails the step: the next up writes the same configuration and rolls on from what still waits
            context.Log($"PostgreSQL takes some of these settings only at a restart: {string.Join(", ", waiting)} wait for one (pending_restart); rolling it");
            var restarted = new Cluster.RollingRestart(context.Plan, context.Session, context.Secrets.Reveal(PatroniConfigInputs.PasswordToken), context.Log).Run(waiting);
            return new Dictionary<string, string> { ["appliedThrough"] = target.Host, ["restarted"] = string.Join(" ", restarted) };
        }
        throw new InvalidOperationException($"no database host took Patroni's configuration: {string.Join("; ", failures)}");
    }

    /// <summary>Once the members had time to apply it, the ones whose PostgreSQL waits for a restart.</summary>
    private static List<string> PendingRestarts(ApplyContext context, SqlTarget through, PatroniConfigInputs wanted)
    {
        var loop = wanted.Settings.FirstOrDefault(s => s.Path == "loop_wait") is { } l && int.TryParse(l.Json, out var seconds) ? seconds : 10;
        Thread.Sleep(Settle + TimeSpan.FromSeconds(loop));
        var answer = context.Session(through.Host).Run(HostOperations.PatroniPendingRestarts(through));
        if (!answer.Ok)
            throw new InvalidOperationException($"the configuration was written, but which members wait for a restart could not be read through {through.Host}: {answer.Stderr.Trim()}");
        return answer.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        // the cluster keeps its configuration with its data: destroy leaves both
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var wanted = PatroniConfigInputs.Parse(recorded.Inputs);
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
