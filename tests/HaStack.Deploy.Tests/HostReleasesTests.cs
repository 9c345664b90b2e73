using HaStack.Deploy.Engine;
using HaStack.Deploy.State;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;

namespace HaStack.Deploy.Tests;

/// <summary>
/// Which release a stack renders for, decided from what its hosts said: one release for all, the stack's own when it
/// names one, the one each host was deployed on, and a host not reached counted by its record only.
/// </summary>
public class HostReleasesTests
{
    private static readonly StackConfig Config = ThreeHostStack.Plan().Config;
    private static readonly ReleaseReading Twelve = new(DebianReleases.Bookworm);
    private static readonly ReleaseReading Thirteen = new(DebianReleases.Trixie);
    private static readonly Dictionary<string, HostRecord> Nothing = [];

    private static Dictionary<string, ReleaseReading> Readings(params ReleaseReading[] each) =>
        each.Select((r, i) => (Host: $"node{i + 1}", r)).ToDictionary(x => x.Host, x => x.r);

    [Fact]
    public void Hosts_on_one_release_give_the_stack_that_release()
    {
        var verdict = HostReleases.Decide(Config, Readings(Thirteen, Thirteen, Thirteen), Nothing);
        Assert.Equal(DebianReleases.Trixie, verdict.Release);
        Assert.Empty(verdict.Problems);
        Assert.Empty(verdict.Warnings);
    }

    [Fact]
    public void Mixed_releases_are_refused_with_each_hosts_release_named()
    {
        var verdict = HostReleases.Decide(Config, Readings(Twelve, Twelve, Thirteen), Nothing);
        Assert.Null(verdict.Release);
        var problem = Assert.Single(verdict.Problems);
        Assert.Contains("Debian 12 (bookworm): node1, node2; Debian 13 (trixie): node3", problem, StringComparison.Ordinal);
        Assert.Contains("upgrade path starts at 3.1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_system_and_an_unreached_host_without_a_record_are_each_a_problem()
    {
        var verdict = HostReleases.Decide(Config,
            Readings(Twelve, new ReleaseReading(null, Unsupported: "runs Ubuntu 24.04 LTS, not Debian"), new ReleaseReading(null, Unreachable: "connection refused")), Nothing);
        Assert.Null(verdict.Release);
        Assert.Equal(2, verdict.Problems.Count);
        Assert.Contains(verdict.Problems, p => p.StartsWith("node2 runs Ubuntu", StringComparison.Ordinal));
        Assert.Contains(verdict.Problems, p => p.StartsWith("node3: its release could not be read (connection refused)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreached_host_counts_with_the_release_it_was_deployed_on()
    {
        var recorded = new Dictionary<string, HostRecord> { ["node3"] = new("10.77.0.13", 0, null, null, 13) };
        var verdict = HostReleases.Decide(Config, Readings(Thirteen, Thirteen, new ReleaseReading(null, Unreachable: "timed out")), recorded);
        Assert.Equal(DebianReleases.Trixie, verdict.Release);
        Assert.Contains("node3 could not be reached", Assert.Single(verdict.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_upgraded_in_place_is_refused()
    {
        var recorded = new Dictionary<string, HostRecord> { ["node1"] = new("10.77.0.11", 0, null, null, 12) };
        var verdict = HostReleases.Decide(Config, Readings(Thirteen, Thirteen, Thirteen), recorded);
        Assert.Null(verdict.Release);
        Assert.Contains("node1 was deployed on Debian 12 (bookworm) and now runs Debian 13 (trixie)", Assert.Single(verdict.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_the_stack_names_must_be_the_hosts()
    {
        var declared = Config with { DeclaredRelease = DebianReleases.Bookworm };
        var verdict = HostReleases.Decide(declared, Readings(Thirteen, Thirteen, Thirteen), Nothing);
        Assert.Null(verdict.Release);
        Assert.Contains("hastack:debianRelease is 12, but the hosts run Debian 13 (trixie)", Assert.Single(verdict.Problems), StringComparison.Ordinal);
        Assert.Equal(DebianReleases.Bookworm, HostReleases.Decide(declared, Readings(Twelve, Twelve, Twelve), Nothing).Release);
    }

    [Fact]
    public void A_postgresql_the_release_does_not_ship_is_a_warning()
    {
        var config = Config with { Postgres = Config.Postgres with { Version = 16 } };
        var verdict = HostReleases.Decide(config, Readings(Thirteen, Thirteen, Thirteen), Nothing);
        Assert.Equal(DebianReleases.Trixie, verdict.Release);
        Assert.Contains("apt.postgresql.org", Assert.Single(verdict.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void On_debian_12_with_synchronous_replication_the_promotion_gap_is_said_and_not_on_13_or_without_it()
    {
        var gap = Assert.Single(HostReleases.Decide(Config, Readings(Twelve, Twelve, Twelve), Nothing).Warnings);
        Assert.Contains("Patroni 3.0.2 promotes only the standby named synchronous", gap, StringComparison.Ordinal);
        Assert.Empty(HostReleases.Decide(Config, Readings(Thirteen, Thirteen, Thirteen), Nothing).Warnings);
        var asynchronous = Config with { Postgres = Config.Postgres with { SynchronousMode = SynchronousMode.Off } };
        Assert.Empty(HostReleases.Decide(asynchronous, Readings(Twelve, Twelve, Twelve), Nothing).Warnings);
    }

    [Fact]
    public void A_host_key_that_is_not_the_pinned_one_is_a_problem_even_with_a_recorded_release()
    {
        var recorded = new Dictionary<string, HostRecord> { ["node1"] = new("10.77.0.11", 0, null, null, 13) };
        var verdict = HostReleases.Decide(Config, Readings(new ReleaseReading(null, Refused: "node1 (10.77.0.11:22) presented host key X"), Thirteen, Thirteen), recorded);
        Assert.Null(verdict.Release);
        Assert.Equal("node1 (10.77.0.11:22) presented host key X", Assert.Single(verdict.Problems));
    }
}
