using HaStack.Deploy.Status;
using HaStack.Deploy.Verification;
using HaStack.Infra.Topology;

namespace HaStack.Deploy.Tests;

/// <summary>The fault matrix's bookkeeping: what a client's writes say about a window, and which faults a list names.</summary>
public class FaultBookkeepingTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Three hosts with every role, the VIP on <paramref name="layer"/>, PgBouncer where <paramref name="placement"/> says.</summary>
    internal static ClusterTopology Topology(string layer = "haproxy", string placement = "database") =>
        ThreeHostStack.Plan($"    floatsOver: {layer}\n  hastack:pgbouncer:\n    placement: {placement}\n").Topology;

    private static WriteLog Log(params (double Start, double End, bool Ok)[] attempts)
    {
        var log = new WriteLog();
        var id = 0;
        foreach (var (start, end, ok) in attempts)
            log.Add(new WriteAttempt(++id, S(start), S(end), ok, ok ? null : "refused"));
        return log;
    }

    [Fact]
    public void The_gap_runs_from_the_last_acknowledgement_before_the_fault_to_the_first_after_it()
    {
        var log = Log((0.0, 0.1, true), (0.9, 1.0, true), (1.1, 1.2, false), (1.3, 1.4, false), (3.0, 3.5, true), (3.6, 3.7, true));
        var figures = log.Window(S(1.05), S(4.0));
        Assert.Equal(2, figures.FailedWrites);
        Assert.Equal(S(2.5), figures.LongestGap); // 1.0 -> 3.5
        Assert.Equal(S(0.5), figures.LongestWrite);
        Assert.True(figures.Recovered);
        Assert.Equal(2, figures.Acknowledged);
    }

    [Fact]
    public void Writes_that_never_resume_make_the_whole_window_a_gap_and_not_recovered()
    {
        var log = Log((0.0, 0.1, true), (0.2, 5.2, false));
        var figures = log.Window(S(0.15), S(10));
        Assert.False(figures.Recovered);
        Assert.Equal(S(9.9), figures.LongestGap);
        Assert.Equal(S(5), figures.LongestWrite);
    }

    [Fact]
    public void A_gap_after_the_last_acknowledgement_in_the_window_counts_too()
    {
        var log = Log((0.0, 0.1, true), (1.0, 1.1, true));
        Assert.Equal(S(3.9), log.Window(S(0.5), S(5)).LongestGap);
    }

    [Fact]
    public void Writes_outside_the_window_do_not_count()
    {
        var log = Log((0.0, 0.1, false), (0.2, 0.3, true), (0.4, 0.5, true), (9.0, 9.1, false));
        var figures = log.Window(S(0.35), S(1));
        Assert.Equal(0, figures.FailedWrites);
        Assert.Equal(1, figures.Acknowledged);
    }

    [Fact]
    public void A_hung_write_is_over_budget_even_when_the_gap_is_not()
    {
        var fault = Faults.For(Topology())[0];
        var hung = new FaultOutcome(fault, "node1", new WindowFigures(0, S(1), FaultOutcome.HangLimit, true, 10), null);
        Assert.False(hung.WithinBudget);
        Assert.StartsWith("a write hung", hung.Verdict, StringComparison.Ordinal);
        var fine = hung with { Figures = new WindowFigures(3, S(1), S(0.2), true, 10) };
        Assert.True(fine.WithinBudget);
        Assert.False((fine with { Figures = fine.Figures with { LongestGap = fault.GapBudget + S(0.01) } }).WithinBudget);
        Assert.False((fine with { Problem = "the stack did not recover" }).WithinBudget);
    }

    [Fact]
    public void A_failed_writes_error_names_its_causes_so_a_reset_and_a_timeout_read_differently()
    {
        var reset = new IOException("Exception while reading from stream", new IOException("Unable to read data from the transport connection: Connection reset by peer."));
        Assert.Equal("Exception while reading from stream: Unable to read data from the transport connection: Connection reset by peer.", VipWriter.Describe(reset));
        var timeout = new IOException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));
        Assert.NotEqual(VipWriter.Describe(reset), VipWriter.Describe(timeout));
        // a cause the message already carries is not said twice; one without causes is its message alone
        Assert.Equal("refused: server login failed", VipWriter.Describe(new InvalidOperationException("refused: server login failed", new IOException("server login failed"))));
        Assert.Equal("refused", VipWriter.Describe(new InvalidOperationException("refused")));
    }

    [Fact]
    public void HaStacks_own_clients_open_a_new_connection_each_time_without_the_kerberos_probe()
    {
        var builder = VipConnection.Superuser("10.77.0.100", 5000, "secret");
        Assert.False(builder.Pooling);
        Assert.Equal(Npgsql.GssEncryptionMode.Disable, builder.GssEncryptionMode);
        // Npgsql's own default would probe Kerberos before every connect
        Assert.NotEqual(builder.GssEncryptionMode, new Npgsql.NpgsqlConnectionStringBuilder().GssEncryptionMode);
    }

    [Fact]
    public void A_member_that_says_running_on_an_older_timeline_than_the_leaders_is_not_whole_yet()
    {
        var members = StatusParsers.Members(FakeHost.PatroniCluster([("node1", "leader", "running", 7), ("node2", "sync_standby", "streaming", 7), ("node3", "replica", "running", 7)]))
            .Select(PatroniMember.Of).ToList();
        Assert.Equal(3, members.Count);
        Assert.True(ClusterChecks.IsWhole(members, databaseHosts: 3, wantSync: 1));
        // the old primary back from a failover, not yet rewound: running, on the timeline it led
        var diverged = members.Select(m => m.Name == "node3" ? m with { Timeline = 6 } : m).ToList();
        Assert.False(ClusterChecks.IsWhole(diverged, 3, 1));
        Assert.False(ClusterChecks.IsWhole(members.Select(m => m.Name == "node3" ? m with { State = "starting", Timeline = null } : m).ToList(), 3, 1));
        Assert.False(ClusterChecks.IsWhole(members.Take(2).ToList(), 3, 1));
        Assert.False(ClusterChecks.IsWhole(members.Select(m => m with { Role = m.IsSyncStandby ? "replica" : m.Role }).ToList(), 3, 1));
        // a member /cluster gives no timeline (one starting), and replies that are not Patroni's /cluster
        Assert.Null(PatroniMember.Of(StatusParsers.Members(FakeHost.PatroniCluster([("node3", "replica", "starting", null)])).Single()).Timeline);
        Assert.Throws<FormatException>(() => StatusParsers.Members("{\"members\": [{\"name\": \"node3\", \"role\": \"replica\"}]}"));
        Assert.Throws<FormatException>(() => StatusParsers.Members("node3 replica running 7"));
        Assert.Throws<FormatException>(() => StatusParsers.Members("{}"));
        Assert.Throws<FormatException>(() => StatusParsers.Members("[]"));
    }

    [Fact]
    public void A_fault_list_selects_in_the_matrix_order_and_names_what_is_not_a_fault()
    {
        var (all, none) = Faults.Select(Topology(), null);
        Assert.Equal(["layer-stop", "agent-kill", "pgbouncer-kill", "patroni-kill", "postmaster-kill", "switchover"], all.Select(f => f.Name));
        Assert.Empty(none);
        var (two, unknown) = Faults.Select(Topology(), "switchover, pgbouncer-kill,reboot");
        Assert.Equal(["pgbouncer-kill", "switchover"], two.Select(f => f.Name));
        Assert.Equal(["reboot"], unknown);
        // the layer's own service is what the layer stop hits
        Assert.Equal("pgbouncer", Faults.For(Topology("pgbouncer", "proxy"))[0].Unit);
        Assert.Equal("patroni", Faults.For(Topology("database"))[0].Unit);
    }

    [Fact]
    public void With_the_pooler_on_the_proxies_its_death_is_on_the_VIP_holder_and_a_switchover_may_fail_no_write()
    {
        var onProxies = Faults.For(Topology("haproxy", "proxy"));
        var pooler = onProxies.Single(f => f.Name == "pgbouncer-kill");
        Assert.Equal(FaultTarget.VipHolder, pooler.Target);
        var switchover = onProxies.Single(f => f.Kind == FaultKind.Switchover);
        Assert.Equal(0, switchover.FailedWriteBudget);
        var one = new FaultOutcome(switchover, "node1", new WindowFigures(1, S(0.5), S(0.5), true, 10), null);
        Assert.False(one.WithinBudget);
        Assert.Contains("1 failed write(s)", one.Verdict, StringComparison.Ordinal);
        Assert.True((one with { Figures = one.Figures with { FailedWrites = 0 } }).WithinBudget);
        // with PgBouncer behind HAProxy the demotion still cuts the connections HAProxy held: no such promise
        var onDatabase = Faults.For(Topology());
        Assert.Equal(FaultTarget.Primary, onDatabase.Single(f => f.Name == "pgbouncer-kill").Target);
        Assert.Null(onDatabase.Single(f => f.Kind == FaultKind.Switchover).FailedWriteBudget);
    }

    [Fact]
    public void Every_fault_but_the_switchover_hits_a_HaStack_unit_and_each_kill_is_restored_by_systemd()
    {
        foreach (var fault in Faults.For(Topology()).Where(f => f.Kind != FaultKind.Switchover))
            Assert.Contains(fault.Unit, new[] { "haproxy", "hastack-vrrpd", "pgbouncer", "patroni" });
        Assert.All(Faults.For(Topology()).Where(f => f.IsKill), f => Assert.NotNull(f.Unit));
    }
}

/// <summary>The one wait every verification step uses: asked until it holds, or until the limit.</summary>
public class PollTests
{
    [Fact]
    public void A_condition_that_comes_true_ends_the_wait_and_one_that_never_does_ends_it_at_the_limit()
    {
        var asked = 0;
        Assert.True(Poll.Until(() => ++asked == 3, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1)));
        Assert.Equal(3, asked);
        asked = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(Poll.Until(() => ++asked < 0, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        // a limit already spent still asks once: a recovery that is there is seen
        Assert.True(Poll.Until(() => true, TimeSpan.FromSeconds(-1), TimeSpan.FromMilliseconds(5)));
    }
}

/// <summary>A lost write is put where it happened: which fault's window, or how long after one.</summary>
public class LostWriteTests
{
    [Fact]
    public void A_lost_write_names_the_fault_in_whose_window_or_after_which_it_was_acknowledged()
    {
        var log = new WriteLog();
        log.Add(new WriteAttempt(1, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), true, null));
        log.Add(new WriteAttempt(2, TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(12), true, null));
        log.Add(new WriteAttempt(3, TimeSpan.FromSeconds(24), TimeSpan.FromSeconds(25), true, null));
        var faults = Faults.For(FaultBookkeepingTests.Topology());
        var figures = new WindowFigures(0, TimeSpan.Zero, TimeSpan.Zero, true, 1);
        var outcomes = new[]
        {
            new FaultOutcome(faults[0], "node1", figures, null) { From = TimeSpan.FromSeconds(10), To = TimeSpan.FromSeconds(15) },
            new FaultOutcome(faults[1], "node1", figures, null) { From = TimeSpan.FromSeconds(20), To = TimeSpan.FromSeconds(22) },
        };
        Assert.Equal("before the first fault", LostWrite.Of(1, log, outcomes).When);
        Assert.Equal("during layer-stop, 2.00 s after it began", LostWrite.Of(2, log, outcomes).When);
        Assert.Equal("after agent-kill, 3.00 s after its window closed", LostWrite.Of(3, log, outcomes).When);
    }
}
