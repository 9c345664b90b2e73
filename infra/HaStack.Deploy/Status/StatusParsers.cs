using System.Globalization;
using System.Text.Json;

namespace HaStack.Deploy.Status;

/// <summary>
/// What the hosts print for <c>status</c>, read into views: Patroni's /cluster, the agent's /status, etcdctl's JSON,
/// HAProxy's statistics CSV, PgBouncer's SHOW POOLS. Pure; what a host printed is read like user input: a document
/// of the wrong shape is a <see cref="FormatException"/> naming what was wrong, never a half-filled view.
/// </summary>
internal static class StatusParsers
{
    /// <summary>Patroni's members from GET /cluster.</summary>
    public static IReadOnlyList<MemberView> Members(string json)
    {
        using var document = Parse(json, "Patroni's /cluster");
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
            throw new FormatException("Patroni's /cluster has no members list");
        return members.EnumerateArray().Select(m => new MemberView(
            RequiredString(m, "name", "a Patroni member"),
            RequiredString(m, "role", "a Patroni member"),
            RequiredString(m, "state", "a Patroni member"),
            OptionalNumber(m, "timeline"),
            // Patroni gives "lag" in bytes, or the word "unknown" when it cannot tell
            OptionalNumber(m, "lag"),
            m.TryGetProperty("pending_restart", out var pending) && pending.ValueKind == JsonValueKind.True)).ToList();
    }

    /// <summary>The agent's first instance from its /status document, for <paramref name="host"/>.</summary>
    public static AgentView Agent(string host, string json, bool holdsVip)
    {
        using var document = Parse(json, "the agent's /status");
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
            throw new FormatException("the agent's /status has no instances list");
        var first = instances.EnumerateArray().FirstOrDefault();
        if (first.ValueKind != JsonValueKind.Object)
            return new AgentView(host, true, null, null, null, holdsVip, "no VRRP instance configured");
        return new AgentView(host, true, RequiredString(first, "state", "an agent instance"), (int?)OptionalNumber(first, "priority"),
            (int?)OptionalNumber(first, "configuredPriority"), holdsVip, first.TryGetProperty("lastReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
    }

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

    /// <summary>The servers of the <paramref name="listeners"/> in HAProxy's statistics CSV on <paramref name="host"/>.</summary>
    public static IReadOnlyList<ProxyServerView> ProxyServers(string host, string csv, IReadOnlyCollection<string> listeners)
    {
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FirstOrDefault(l => l.StartsWith("# pxname,", StringComparison.Ordinal))
            ?? throw new FormatException("HAProxy's statistics have no CSV header");
        var status = System.Array.IndexOf(header[2..].Split(','), "status");
        if (status < 0)
            throw new FormatException("HAProxy's statistics have no status column");
        return lines.Select(l => l.Split(','))
            .Where(f => f.Length > status && listeners.Contains(f[0]) && f[1] is not ("FRONTEND" or "BACKEND"))
            .Select(f => new ProxyServerView(host, f[0], f[1], f[status]))
            .ToList();
    }

    /// <summary>PgBouncer's pools on <paramref name="host"/> from SHOW POOLS, tab-separated with a header (the admin database's own pool left out).</summary>
    public static IReadOnlyList<PoolView> Pools(string host, string tsv)
    {
        var lines = tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count == 0)
            throw new FormatException("SHOW POOLS printed nothing");
        var columns = lines[0].Split('\t');
        int Column(string name) => System.Array.IndexOf(columns, name) is var i and >= 0 ? i : throw new FormatException($"SHOW POOLS has no {name} column");
        var (database, user) = (Column("database"), Column("user"));
        var (clActive, clWaiting, svActive, svIdle, maxWait) = (Column("cl_active"), Column("cl_waiting"), Column("sv_active"), Column("sv_idle"), Column("maxwait"));
        return lines.Skip(1).Select(l => l.Split('\t'))
            .Where(f => f.Length == columns.Length && f[database] != "pgbouncer")
            .Select(f => new PoolView(host, f[database], f[user], Count(f[clActive]), Count(f[clWaiting]), Count(f[svActive]), Count(f[svIdle]), Count(f[maxWait])))
            .ToList();
    }

    private static long Count(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"'{text}' is not a count");

    private static JsonDocument Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not JSON: {e.Message}");
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw new FormatException($"{what} is not a list");

    private static string RequiredString(JsonElement element, string name, string what) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{what} has no {name}");

    private static long? OptionalNumber(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        // etcd's ids are unsigned 64-bit: they may not fit a long, but equality is all they are used for
        : value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var unsigned) ? unchecked((long)unsigned)
        : null;
}
