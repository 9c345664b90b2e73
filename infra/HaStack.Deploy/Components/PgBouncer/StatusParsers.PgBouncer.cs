
namespace HaStack.Deploy.Status;

/// <summary>How PgBouncer's status reads are parsed (the shared helpers are in Status/StatusParsers.cs).</summary>
internal static partial class StatusParsers
{
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
}
