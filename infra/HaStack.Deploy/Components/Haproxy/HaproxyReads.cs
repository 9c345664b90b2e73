using HaStack.Deploy.Remote;
using HaStack.Deploy.Status;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Reads;

/// <summary>HAProxy as HaStack reads it: its statistics CSV from the stats listener on loopback.</summary>
internal static class HaproxyReads
{
    /// <summary>The listeners HaStack configures: writes go to the primary, reads to the replicas.</summary>
    public static readonly IReadOnlyList<string> Listeners = [Components.HaproxyWriteListener, Components.HaproxyReadListener];

    /// <summary>The servers of <see cref="Listeners"/> on <paramref name="host"/>, each with HAProxy's view of it.</summary>
    public static HostRead<IReadOnlyList<ProxyServerView>> Servers(string host, int statsPort) =>
        new(HostOperations.HaproxyStats(statsPort), csv => StatusParsers.ProxyServers(host, csv, Listeners));

    /// <summary>
    /// The servers HAProxy on <paramref name="host"/> sends writes to now: status UP, including "UP 1/2" (failing
    /// checks, not yet taken out). Empty when HAProxy does not answer or its statistics cannot be read.
    /// </summary>
    public static IReadOnlyList<string> WritesGoTo(IHostSession session, string host, int statsPort)
    {
        try
        {
            return session.ReadOrDefault(Servers(host, statsPort))?.Where(s => s.Listener == Components.HaproxyWriteListener && s.IsUp).Select(s => s.Server).ToList() ?? [];
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
