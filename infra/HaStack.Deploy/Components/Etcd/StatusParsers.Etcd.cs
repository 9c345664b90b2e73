using System.Text.Json;

namespace HaStack.Deploy.Status;

/// <summary>How Etcd's status reads are parsed (the shared helpers are in Status/StatusParsers.cs).</summary>
internal static partial class StatusParsers
{
    /// <summary>
    /// etcd's members from two lines: <c>endpoint status --cluster -w json</c>, then <c>endpoint health --cluster -w
    /// json</c>. A member is healthy when its health check says so; the leader is the member whose id is its leader's.
    /// </summary>
    public static IReadOnlyList<EtcdMemberView> EtcdMembers(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 2)
            throw new FormatException($"etcdctl printed {lines.Length} line(s), not its status and its health");
        using var status = Parse(lines[0], "etcdctl's endpoint status");
        using var health = Parse(lines[1], "etcdctl's endpoint health");
        var healthy = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var entry in Array(health.RootElement, "etcdctl's endpoint health"))
            healthy[RequiredString(entry, "endpoint", "an etcd health entry")] = entry.TryGetProperty("health", out var h) && h.ValueKind == JsonValueKind.True;
        var members = new Dictionary<string, EtcdMemberView>(StringComparer.Ordinal);
        foreach (var entry in Array(status.RootElement, "etcdctl's endpoint status"))
        {
            var endpoint = RequiredString(entry, "Endpoint", "an etcd status entry");
            if (!entry.TryGetProperty("Status", out var s) || s.ValueKind != JsonValueKind.Object)
                throw new FormatException($"etcd's status of {endpoint} has no Status");
            var self = s.TryGetProperty("header", out var header) ? OptionalNumber(header, "member_id") : null;
            var leader = OptionalNumber(s, "leader");
            var version = s.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            members[endpoint] = new EtcdMemberView(endpoint, healthy.GetValueOrDefault(endpoint), self is not null && self == leader, version);
        }
        // a member that did not answer its status may still have been named by the health check
        foreach (var (endpoint, isHealthy) in healthy.Where(h => !members.ContainsKey(h.Key)))
            members[endpoint] = new EtcdMemberView(endpoint, isHealthy, false, null);
        return members.Values.OrderBy(m => m.Endpoint, StringComparer.Ordinal).ToList();
    }
}
