
namespace HaStack.Deploy.Status;

/// <summary>How Haproxy's status reads are parsed (the shared helpers are in Status/StatusParsers.cs).</summary>
internal static partial class StatusParsers
{
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
}
