using System.Text.RegularExpressions;

namespace HaStack.Infra.Catalogue;

/// <summary>
/// What a Debian release ships of HaStack's stack, and what its versions can do: the one place that knows the
/// difference between releases. Rendering and the components read these facts; nothing else asks which release
/// it is.
/// </summary>
/// <param name="PatroniQuorumCommit">
/// Patroni 4's <c>synchronous_mode: quorum</c>: any standby of the quorum may be promoted, so a primary lost while
/// no single standby is named synchronous is still replaced
/// </param>
/// <param name="PatroniLosesSyncStandbyOnRestart">
/// Patroni before 3.1.2 restarted beside a running PostgreSQL can drop synchronous_standby_names while /sync still
/// names a standby: HaStack's sync guard repairs it on those releases
/// </param>
/// <param name="PatroniOverwritesLeaderKey">
/// Patroni 3.0 renews its leader key with a plain put: a primary back from a network cut can take the key from the
/// replica promoted meanwhile and lose what it acknowledged; HaStack starts Patroni with a compare-and-swap renewal
/// on those releases
/// </param>
/// <param name="PatroniDemotesOnEtcdErrors">
/// Patroni reads an etcd error reply in its leader key renewal (not a lost connection) as the lock lost and demotes at
/// once, bypassing failsafe mode (patroni/patroni#3572): HaStack's launcher makes it a DCS error on those releases
/// </param>
/// <param name="HaproxyStrandsConnectsOnShutdownSessions">
/// HAProxy 3.0's <c>on-marked-down shutdown-sessions</c> leaves a client whose connection to that server was still
/// being set up with no timer at all: it waits until it gives up by itself. HaStack ends a down server's sessions from
/// a Lua task inside HAProxy on every release; on those it waits until no connection to the server can still be in setup
/// </param>
internal sealed record DebianRelease(
    int Number,
    string Codename,
    int PostgresVersion,
    string Patroni,
    string Etcd,
    string Haproxy,
    string PgBouncer,
    string Keepalived,
    bool PatroniQuorumCommit,
    bool PatroniLosesSyncStandbyOnRestart,
    bool PatroniOverwritesLeaderKey,
    bool PatroniDemotesOnEtcdErrors,
    bool HaproxyStrandsConnectsOnShutdownSessions)
{
    public string Name => $"Debian {Number} ({Codename})";

    /// <summary>The versions a preview shows, short.</summary>
    public string Versions => $"PostgreSQL {PostgresVersion}, Patroni {Patroni}, etcd {Etcd}, HAProxy {Haproxy}, PgBouncer {PgBouncer}";

    /// <summary>
    /// What this release's Patroni cannot promise under synchronous replication, or null: without quorum commit only
    /// the standby named in /sync may be promoted, and for a moment after each failover none is named.
    /// </summary>
    public string? SynchronousPromotionGap => PatroniQuorumCommit ? null :
        $"on {Name}, Patroni {Patroni} promotes only the standby named synchronous: a primary lost before it names one " +
        "(in the seconds after a failover, while the replicas reconnect) is not replaced until it comes back, and " +
        "`hastack status` says so while none is named; Patroni 4 on Debian 13 (quorum commit) has no such gap";

    public override string ToString() => Name;
}

internal static partial class DebianReleases
{
    public static readonly DebianRelease Bookworm = new(12, "bookworm", 15, "3.0.2", "3.4", "2.6", "1.18", "2.2.7",
        PatroniQuorumCommit: false, PatroniLosesSyncStandbyOnRestart: true, PatroniOverwritesLeaderKey: true,
        PatroniDemotesOnEtcdErrors: true, HaproxyStrandsConnectsOnShutdownSessions: false);

    public static readonly DebianRelease Trixie = new(13, "trixie", 17, "4.0.7", "3.5", "3.0", "1.24", "2.3.3",
        PatroniQuorumCommit: true, PatroniLosesSyncStandbyOnRestart: false, PatroniOverwritesLeaderKey: false,
        PatroniDemotesOnEtcdErrors: true, HaproxyStrandsConnectsOnShutdownSessions: true);

    public static readonly IReadOnlyList<DebianRelease> All = [Bookworm, Trixie];

    /// <summary>The release a stack renders for until its hosts have said theirs.</summary>
    public static DebianRelease Default => Bookworm;

    public static string Known => string.Join(", ", All.Select(r => $"{r.Number} ({r.Codename})"));

    public static DebianRelease? ByNumber(int number) => All.FirstOrDefault(r => r.Number == number);

    /// <summary>
    /// The release an <c>/etc/os-release</c> names (its ID and VERSION_ID), or null with the reason it is not one
    /// HaStack deploys onto. The text comes from a host: it is matched whole, never trusted.
    /// </summary>
    public static DebianRelease? FromOsRelease(string osRelease, out string reason)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in osRelease.Split('\n').Take(64))
        {
            var match = OsReleaseLine().Match(line.TrimEnd('\r'));
            if (match.Success)
                fields.TryAdd(match.Groups[1].Value, match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value);
        }
        var pretty = fields.GetValueOrDefault("PRETTY_NAME") ?? fields.GetValueOrDefault("ID") ?? "an unknown system";
        if (pretty.Length > 80)
            pretty = pretty[..80];
        if (fields.GetValueOrDefault("ID") != "debian")
        {
            reason = $"runs {pretty}, not Debian; HaStack deploys onto Debian {Known}";
            return null;
        }
        var release = int.TryParse(fields.GetValueOrDefault("VERSION_ID"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? ByNumber(n) : null;
        reason = release is null ? $"runs {pretty}; HaStack deploys onto Debian {Known}" : "";
        return release;
    }

    [GeneratedRegex("""\A([A-Z_]{1,32})=(?:"([^"\\`$]{0,200})"|([A-Za-z0-9._-]{0,200}))\z""")]
    private static partial Regex OsReleaseLine();
}
