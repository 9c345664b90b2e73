using HaStack.Infra.Graph;

namespace HaStack.Deploy.State;

/// <summary>
/// A state written by an earlier release brought up to this release's resources, after it was authenticated and
/// checked, in memory (the next save seals it), so its first up changes no host:
/// <list type="bullet">
/// <item>the rolling restart, once part of Patroni's configuration step, is a resource of its own now: a state that
/// applied Patroni's configuration applied its restarts with it, so the record is made from the one Patroni's has.</item>
/// <item>version 1's inputs, strings with text formats inside, are JSON now: <see cref="InputsOfVersion1"/>, run by
/// <see cref="StateValidator"/> before it parses them.</item>
/// </list>
/// </summary>
internal static partial class StateMigration
{
    public static void Migrate(StackState state)
    {
        var restartId = $"{ResourceTypes.RollingRestart}::{PatroniGraph.RollingRestartName}";
        if (state.Resources.FirstOrDefault(r => r.Type == ResourceTypes.PatroniConfig) is { Spec: PatroniConfigInputs config } patroni && state.Find(restartId) is null)
        {
            var restarts = new Resource(ResourceTypes.RollingRestart, PatroniGraph.RollingRestartName, null, [patroni.Id], RollingRestartInputs.Of(config.Settings), []);
            state.Put(ResourceState.Of(restarts, new Dictionary<string, string> { ["restarted"] = patroni.Outputs.GetValueOrDefault("restarted") ?? "" }));
        }
    }
}
