using HaStack.Infra.Catalogue;

namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    private static void Haproxy(StackStatus status, List<string> degraded)
    {
        var members = status.Members;
        // HAProxy: on every proxy, writes go to exactly the leader, reads to at least one member
        foreach (var proxy in status.ProxyServers.GroupBy(s => s.Host))
        {
            var writers = proxy.Where(s => s.Listener == Components.HaproxyWriteListener && s.IsUp).Select(s => s.Server).ToList();
            if (writers.Count != 1)
                degraded.Add($"HAProxy on {proxy.Key} sends writes to {(writers.Count == 0 ? "no server" : string.Join(" and ", writers))}");
            else if (members.FirstOrDefault(m => m.IsLeader) is { } leader && writers[0] != leader.Name)
                degraded.Add($"HAProxy on {proxy.Key} sends writes to {writers[0]}, but {leader.Name} is the primary");
            if (!proxy.Any(s => s.Listener == Components.HaproxyReadListener && s.IsUp))
                degraded.Add($"HAProxy on {proxy.Key} has no server for reads");
        }
    }
}
