using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Engine;

/// <summary>
/// What one host said of its release: the release, or why there is none: not reached, not a release HaStack deploys
/// onto, or refused (a host key that is not the pinned one: never overlooked, whatever state recorded).
/// </summary>
internal sealed record ReleaseReading(DebianRelease? Release, string? Unreachable = null, string? Unsupported = null, string? Refused = null);

/// <summary>The stack's release, decided from its hosts' readings, with every reason it could not be.</summary>
internal sealed record ReleaseVerdict(DebianRelease? Release, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings);

/// <summary>
/// Which Debian release a stack renders for: every host is asked (read only, before anything is planned), and all
/// must run the same release, the one the stack file names (if it names one) and the one each was deployed on.
/// </summary>
internal static class HostReleases
{
    /// <summary>Reads every host of the stack at once; a host not reached is a reading too.</summary>
    public static IReadOnlyDictionary<string, ReleaseReading> Read(StackConfig config, SessionPool sessions)
    {
        var readings = new System.Collections.Concurrent.ConcurrentDictionary<string, ReleaseReading>(StringComparer.Ordinal);
        Parallel.ForEach(config.Hosts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, host =>
        {
            readings[host.Name] = ReadOne(sessions, host.Name);
        });
        return readings;
    }

    private static ReleaseReading ReadOne(SessionPool sessions, string host)
    {
        string text;
        try
        {
            text = sessions.Get(host).Check(HostOperations.ReadOsRelease());
        }
        catch (HostKeyMismatchException e)
        {
            return new ReleaseReading(null, Refused: e.Message);
        }
        catch (Exception e) when (StackVerb.IsHostFailure(e) || e is TimeoutException or IOException)
        {
            return new ReleaseReading(null, Unreachable: e.Message);
        }
        var release = DebianReleases.FromOsRelease(text, out var reason);
        return release is null ? new ReleaseReading(null, Unsupported: reason) : new ReleaseReading(release);
    }

    /// <summary>
    /// The release, or the problems that leave none: a host that runs an unsupported system, hosts on different
    /// releases (Patroni's upgrade path starts at 3.1, Debian 12 ships 3.0.2), a release other than the stack's
    /// debianRelease, a host that runs another release than it was deployed on. A host not reached counts with the
    /// release recorded at its last up, when there is one.
    /// </summary>
    public static ReleaseVerdict Decide(StackConfig config, IReadOnlyDictionary<string, ReleaseReading> readings, IReadOnlyDictionary<string, HostRecord> recorded)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        var releases = new Dictionary<string, DebianRelease>(StringComparer.Ordinal);
        foreach (var host in config.Hosts)
        {
            var reading = readings.GetValueOrDefault(host.Name) ?? new ReleaseReading(null, Unreachable: "not asked");
            var before = recorded.GetValueOrDefault(host.Name)?.Release is { } n ? DebianReleases.ByNumber(n) : null;
            if (reading.Release is { } release)
            {
                releases[host.Name] = release;
                if (before is not null && before != release)
                    problems.Add($"{host.Name} was deployed on {before} and now runs {release}: HaStack does not upgrade a cluster's release in place " +
                        $"(PostgreSQL {before.PostgresVersion} to {release.PostgresVersion} needs pg_upgrade); fix: put the host back on {before}, or remove it from the stack and add it again");
            }
            else if (reading.Refused is { } refused)
                problems.Add(refused);
            else if (reading.Unsupported is { } unsupported)
                problems.Add($"{host.Name} {unsupported}; fix: reinstall it with a supported release, or remove it from the stack");
            else if (before is not null)
            {
                releases[host.Name] = before;
                warnings.Add($"{host.Name} could not be reached to read its release ({reading.Unreachable}); taking {before}, recorded at its last up");
            }
            else
                problems.Add($"{host.Name}: its release could not be read ({reading.Unreachable}) and none is recorded for it; fix: make it reachable over SSH");
        }
        var distinct = releases.Values.Distinct().OrderBy(r => r.Number).ToList();
        if (distinct.Count > 1)
        {
            var byRelease = string.Join("; ", distinct.Select(r => $"{r}: {string.Join(", ", releases.Where(kv => kv.Value == r).Select(kv => kv.Key))}"));
            problems.Add($"the stack's hosts run different Debian releases ({byRelease}): one cluster runs one release, as Patroni {distinct[^1].Patroni} " +
                $"cannot join a cluster of Patroni {distinct[0].Patroni} safely (its upgrade path starts at 3.1); fix: put every host on the same release");
        }
        if (config.DeclaredRelease is { } declared && distinct.Count == 1 && distinct[0] != declared)
            problems.Add($"hastack:debianRelease is {declared.Number}, but the hosts run {distinct[0]}; fix: set it to {distinct[0].Number}, or remove it to take the hosts' own");
        var chosen = problems.Count == 0 && distinct.Count == 1 ? distinct[0] : null;
        if (chosen?.SynchronousPromotionGap is { } gap && config.Postgres.SynchronousMode != SynchronousMode.Off && config.HostsWith(HostRole.Db).Count() > 1)
            warnings.Add(gap);
        if (chosen is not null && config.Postgres.Version is { } version && version != chosen.PostgresVersion)
            warnings.Add($"hastack:postgres.version {version} is not the one {chosen} ships ({chosen.PostgresVersion}): its packages must come from another repository (apt.postgresql.org) configured on every host");
        return new ReleaseVerdict(chosen, problems, warnings);
    }

    /// <summary>The stack with its release resolved from its hosts, or null when the reasons are reported as problems.</summary>
    public static StackConfig? Resolve(StackConfig config, StackState state, SessionPool sessions, IRunEvents events)
    {
        var verdict = Decide(config, Read(config, sessions), state.Hosts);
        foreach (var warning in verdict.Warnings)
            events.Warning($"warning: {warning}");
        foreach (var problem in verdict.Problems)
            events.Problem($"error: {problem}");
        if (verdict.Release is not { } release)
        {
            events.Problem("no change was made");
            return null;
        }
        events.Info($"Hosts: {release} ({string.Join(", ", config.Hosts.Select(h => h.Name))}): {release.Versions}");
        return config with { Release = release };
    }
}
