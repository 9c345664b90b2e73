namespace HaStack.Deploy.Cluster;

/// <summary>Which servers HAProxy sends a proxy's connections to, read from its statistics CSV.</summary>
internal static class HaproxyServers
{
    /// <summary>
    /// The servers of <paramref name="proxy"/> that take connections now: status UP, including "UP 1/2" (failing
    /// checks, not yet taken out). Empty when the CSV has no header or no such proxy.
    /// </summary>
    public static IReadOnlyList<string> Up(string response, string proxy)
    {
        var lines = response.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FirstOrDefault(l => l.StartsWith("# pxname,", StringComparison.Ordinal));
        if (header is null)
            return [];
        var columns = header[2..].Split(',');
        var status = Array.IndexOf(columns, "status");
        if (status < 0)
            return [];
        return lines.Select(l => l.Split(','))
            .Where(f => f.Length > status && f[0] == proxy && f[1] is not ("FRONTEND" or "BACKEND"))
            .Where(f => f[status] == "UP" || f[status].StartsWith("UP ", StringComparison.Ordinal))
            .Select(f => f[1])
            .ToList();
    }
}
