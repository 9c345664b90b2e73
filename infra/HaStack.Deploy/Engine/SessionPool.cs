using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Config;
using HaStack.Infra.Ssh;

namespace HaStack.Deploy.Engine;

/// <summary>
/// One SSH session per host for a run, opened on first use and closed at the end: the stack's hosts as the stack
/// file says, and hosts that left it as state recorded them (their resources are still to be removed).
/// </summary>
internal sealed class SessionPool : IDisposable
{
    private readonly Dictionary<string, Lazy<HostSession>> sessions;

    public SessionPool(StackConfig config, StackState state)
    {
        var knownHosts = SshFiles.ReadKnownHosts(config.Ssh);
        var hosts = config.Hosts.ToList();
        lock (state)
        {
            hosts.AddRange(state.Hosts.Where(kv => hosts.All(h => h.Name != kv.Key))
                .Select(kv => new HostConfig(kv.Key, kv.Value.Address, kv.Value.SshPort, kv.Value.SshUser, [], kv.Value.HostKey)));
        }
        sessions = hosts.ToDictionary(h => h.Name,
            h => new Lazy<HostSession>(() => new HostSession(h, config.Ssh, knownHosts), LazyThreadSafetyMode.ExecutionAndPublication), StringComparer.Ordinal);
    }

    public IHostSession Get(string host) =>
        sessions.TryGetValue(host, out var session) ? session.Value : throw new HostUnreachableException(host, "it is neither in the stack nor recorded in state");

    public void Dispose()
    {
        foreach (var session in sessions.Values.Where(s => s.IsValueCreated))
            session.Value.Dispose();
    }
}
