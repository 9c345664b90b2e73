using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Tests;

/// <summary>
/// The release catalogue: what a host's /etc/os-release says, and what each release renders (its PostgreSQL, Patroni 4's
/// quorum commit, the sync guard only where Patroni needs it). The text of os-release comes from a host: hostile
/// lines are not trusted.
/// </summary>
public class DebianReleaseTests
{
    private const string Trixie = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\nVERSION=\"13 (trixie)\"\nVERSION_CODENAME=trixie\nID=debian\n";
    private const string Bookworm = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n";

    // both releases' Patroni demotes past failsafe mode on an etcd error in its renewal: both start through the launcher
    [Theory]
    [InlineData(12)]
    [InlineData(13)]
    public void Patroni_starts_through_the_launcher_written_before_patroni_first_starts_and_never_restarts_it(int release)
    {
        var plan = StackPipeline.Plan(On(DebianReleases.All.Single(r => r.Number == release)));
        var dropIn = plan.Files.Single(f => f.Host == "node1" && f.Path == "/etc/systemd/system/patroni.service.d/55-hastack-safe-leader.conf");
        // the packaged ExecStart is cleared, then Patroni's own config goes to the launcher
        Assert.Contains("ExecStart=\nExecStart=/usr/local/lib/hastack/safe-leader/patroni /etc/patroni/config.yml\n", dropIn.Content, StringComparison.Ordinal);
        var service = plan.Graph.Resources.Single(r => r.Name == "node1:patroni");
        Assert.Contains($"{ResourceTypes.File}::node1:{Components.PatroniSafeLeaderPath}", service.DependsOn);
        // a restart of Patroni stops PostgreSQL: a running cluster takes the launcher at Patroni's next start
        Assert.DoesNotContain(((ServiceInputs)service.Spec).Reads, r => r.Path.Contains("safe-leader", StringComparison.Ordinal));
        // the process keeps Patroni's name: the agent tracks it by name when the VIP is on the database layer
        Assert.Equal("patroni", Path.GetFileName(Components.PatroniSafeLeaderPath));
    }

    [Theory]
    [InlineData(Trixie, 13)]
    [InlineData(Bookworm, 12)]
    [InlineData("ID=debian\r\nVERSION_ID=12\r\n", 12)]
    public void A_supported_debian_is_recognised(string osRelease, int number)
    {
        Assert.Equal(number, DebianReleases.FromOsRelease(osRelease, out var reason)?.Number);
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n", "runs Ubuntu 24.04 LTS, not Debian")]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nID=debian\nVERSION_ID=\"11\"\n", "runs Debian GNU/Linux 11 (bullseye); HaStack deploys onto Debian 12")]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\n", "runs Debian GNU/Linux trixie/sid;")]
    [InlineData("", "runs an unknown system, not Debian")]
    // a value that is not a plain word or a quoted text is not read at all, so it cannot pass for Debian
    [InlineData("ID=$(debian)\nVERSION_ID=12\n", "not Debian")]
    [InlineData("ID=debian\nVERSION_ID=12 \n", "HaStack deploys onto")]
    [InlineData("ID=debian\nVERSION_ID=\"+13\"\n", "HaStack deploys onto")]
    public void Anything_else_is_refused_with_what_it_runs(string osRelease, string expected)
    {
        Assert.Null(DebianReleases.FromOsRelease(osRelease, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_pretty_name_is_cut_short()
    {
        DebianReleases.FromOsRelease($"ID=other\nPRETTY_NAME=\"{new string('x', 190)}\"\n", out var reason);
        Assert.True(reason.Length < 200, reason);
    }

    private static StackConfig On(DebianRelease release, string extra = "") =>
        TestStacks.Valid(TestStacks.MinimalWith(extra)) with { Release = release };

    [Fact]
    public void Each_release_installs_its_own_postgresql_and_renders_its_paths()
    {
        foreach (var release in DebianReleases.All)
        {
            var plan = StackPipeline.Plan(On(release));
            var v = release.PostgresVersion;
            Assert.Contains($"postgresql-{v}", Components.Postgres.Packages(plan.Config));
            var patroni = plan.Files.Single(f => f.Host == "node1" && f.Path == "/etc/patroni/config.yml").Content;
            Assert.Contains($"data_dir: /var/lib/postgresql/{v}/main", patroni, StringComparison.Ordinal);
            Assert.Contains($"bin_dir: /usr/lib/postgresql/{v}/bin", patroni, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_version_the_stack_names_wins_over_the_releases()
    {
        var config = On(DebianReleases.Trixie, "hastack:postgres: { version: 16 }");
        Assert.Equal(16, config.PostgresVersion);
        Assert.Equal(17, On(DebianReleases.Trixie).PostgresVersion);
        Assert.Equal(15, On(DebianReleases.Bookworm).PostgresVersion);
    }

    [Theory]
    [InlineData("on", 12, "true")]
    [InlineData("on", 13, "\"quorum\"")]
    [InlineData("strict", 13, "\"quorum\"")]
    [InlineData("off", 13, "false")]
    [InlineData("strict", 12, "true")]
    public void Synchronous_replication_is_quorum_commit_where_patroni_has_it(string mode, int release, string expected)
    {
        var config = On(DebianReleases.ByNumber(release)!, $"hastack:postgres: {{ synchronousMode: {mode} }}");
        var settings = PatroniDynamicConfig.Of(config).ToDictionary(s => s.Path, s => s.Json);
        Assert.Equal(expected, settings["synchronous_mode"]);
        Assert.Equal(mode == "strict" ? "true" : "false", settings["synchronous_mode_strict"]);
    }

    [Fact]
    public void The_sync_guard_is_there_only_for_a_patroni_that_needs_it()
    {
        bool HasGuard(DebianRelease r) => StackPipeline.Plan(On(r)).Files.Any(f => f.Path.Contains("sync-guard", StringComparison.Ordinal));
        Assert.True(HasGuard(DebianReleases.Bookworm));
        Assert.False(HasGuard(DebianReleases.Trixie));
        // nor does Patroni's service wait for its files
        var service = StackPipeline.Plan(On(DebianReleases.Trixie)).Graph.Resources.Single(r => r.Name == "node1:patroni");
        Assert.DoesNotContain(service.DependsOn, d => d.Contains("sync-guard", StringComparison.Ordinal));
    }

    // HaStack's Lua task ends a down server's sessions on every release (shutdown-sessions would cut a primary's
    // sessions while its Patroni restarts); a server that answered as another role waits 1 s only where HAProxy 3.0
    // strands a connect cut at once. A change of the task reloads HAProxy like its config does
    [Theory]
    [InlineData(12, 0)]
    [InlineData(13, 1000)]
    public void A_down_servers_sessions_are_ended_by_hastacks_lua_task_waiting_for_connects_in_setup_only_where_haproxy_strands_them(int release, int answeredGraceMs)
    {
        var plan = StackPipeline.Plan(On(DebianReleases.ByNumber(release)!));
        var config = plan.Files.Single(f => f.Host == "node1" && f.Path == "/etc/haproxy/haproxy.cfg").Content;
        var lua = plan.Files.Single(f => f.Host == "node1" && f.Path == Components.HaproxyEndSessionsPath);
        Assert.DoesNotContain(config.Split('\n'), l => !l.TrimStart().StartsWith('#') && l.Contains("shutdown-sessions", StringComparison.Ordinal));
        Assert.Contains($"\n    lua-load {Components.HaproxyEndSessionsPath}\n", config, StringComparison.Ordinal);
        Assert.Contains("core.register_task(", lua.Content, StringComparison.Ordinal);
        Assert.Contains("server:shut_sess()", lua.Content, StringComparison.Ordinal);
        Assert.Contains($"\nlocal ANSWERED_GRACE_MS = {answeredGraceMs}\n", lua.Content, StringComparison.Ordinal);
        Assert.Contains("\nlocal UNREACHABLE_GRACE_MS = 5000\n", lua.Content, StringComparison.Ordinal);
        var haproxy = (ServiceInputs)plan.Graph.Resources.Single(r => r.Name == "node1:haproxy").Spec;
        Assert.Contains(haproxy.Reads, r => r.Path == Components.HaproxyEndSessionsPath);
    }

    [Theory]
    [InlineData("hastack:debianRelease: 13", null, 13)]
    [InlineData("hastack:debianRelease: 11", "is not a Debian release HaStack deploys onto", null)]
    [InlineData("hastack:debianRelease: bookworm", "is not a whole number", null)]
    [InlineData("", null, null)]
    public void The_stack_may_name_its_release(string line, string? error, int? declared)
    {
        var loaded = TestStacks.Load(TestStacks.MinimalWith(line));
        if (error is null)
        {
            Assert.Equal(declared, loaded.Config!.DeclaredRelease?.Number);
            Assert.Equal(declared ?? 12, loaded.Config.Release.Number);
        }
        else
            Assert.Contains(loaded.Diagnostics, d => d.Key == "hastack:debianRelease" && d.ToString().Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_warns_of_debian_12s_promotion_gap_only_when_the_stack_names_that_release()
    {
        var named = TestStacks.Load(TestStacks.MinimalWith("hastack:debianRelease: 12"));
        Assert.Contains(named.Diagnostics, d => d.Rule == "synchronous-promotion-gap" && d.Severity == Severity.Warning);
        Assert.DoesNotContain(TestStacks.Load(TestStacks.MinimalWith("hastack:debianRelease: 13")).Diagnostics, d => d.Rule == "synchronous-promotion-gap");
        Assert.DoesNotContain(TestStacks.Load(TestStacks.Minimal).Diagnostics, d => d.Rule == "synchronous-promotion-gap");
    }
}
