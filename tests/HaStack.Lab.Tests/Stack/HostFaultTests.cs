using System.Text.Json;
using HaStack.Deploy.Verification;
using HaStack.Lab.Tests.Agent;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

/// <summary>
/// The deployed 3-host stack under the faults no service restart can mend: hosts losing power, the VIP holder and the
/// primary cut off the network, etcd losing its quorum, and a second primary lost right after the first failover. A client writes
/// through the VIP all along (Npgsql's default timeouts, a new connection after each error); each fault is judged
/// by what it saw: writes resumed, the longest gap within the fault's budget, no write left hanging, and at the
/// end no acknowledged write lost (synchronous mode).
/// </summary>
/// <remarks>
/// Budgets: losing the primary costs Patroni's ttl (20 s) before a replica may take the leader lock, then the sync
/// standby's next loop reaching etcd (up to retry_timeout, 5 s) and HAProxy's checks seeing it (measured 21.7-29.6 s,
/// the slowest the second primary lost in a row), so 35 s; losing
/// the VIP holder costs the VRRP takeover plus the client's TCP retransmission backoff (a write in flight on the lost
/// holder ends at the first retransmission after the new holder's gratuitous ARP: 0.4-6.1 s measured), so 8 s; the sync standby
/// holds every commit until the primary's walsender gives it up (wal_sender_timeout, 5 s) and Patroni names
/// another, so 8 s; etcd without quorum costs nothing (failsafe mode), so 2 s.
/// </remarks>
[Collection(LabTestGroup.Name)]
public sealed class HostFaultTests(LabFixture fixture) : IDisposable
{
    private static readonly TimeSpan PrimaryLoss = TimeSpan.FromSeconds(35);
    private static readonly TimeSpan HolderLoss = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan ReplicaLoss = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan EtcdQuorumLoss = TimeSpan.FromSeconds(2);

    private readonly LabEnvironment lab = fixture.Lab;
    private readonly EngineProject project = new("hostfaults");
    private readonly List<string> report = [];
    private readonly List<string> breaches = [];

    public void Dispose()
    {
        foreach (var host in lab.Hosts)
            Restore(host);
        project.Run("destroy", "--yes", "--purge-data");
        Parallel.ForEach(lab.Hosts, host => host.Run("systemctl disable --now --quiet keepalived; rm -f /etc/keepalived/keepalived.conf"));
        project.Dispose();
    }

    private static void Lab(string script, LabHost host, string action) =>
        AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/{script} {host.Name} {action}");

    private static void Restore(LabHost host)
    {
        AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/network.sh {host.Name} restore 2>/dev/null || true");
        AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/power.sh {host.Name} on 2>/dev/null || true");
    }

    /// <summary>Patroni's view of the cluster, from the first host that answers: (member, role, state) each.</summary>
    private List<(string Name, string Role, string State)> Members(IEnumerable<LabHost>? via = null)
    {
        foreach (var host in via ?? lab.Hosts)
        {
            CommandResult json;
            try
            {
                json = PatroniApi.Get(host, "/cluster", TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or TimeoutException)
            {
                continue; // off, or cut off the network
            }
            if (json.ExitStatus != 0)
                continue;
            return JsonDocument.Parse(json.Stdout).RootElement.GetProperty("members").EnumerateArray()
                .Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("role").GetString()!, m.GetProperty("state").GetString()!)).ToList();
        }
        return [];
    }

    private LabHost WithRole(Func<string, bool> role) =>
        lab.Hosts.Single(h => h.Name == Members().First(m => role(m.Role)).Name);

    private LabHost Primary() => WithRole(PatroniRoles.IsLeader);

    /// <summary>
    /// Every member running, one leader, a sync standby named, in every host's own view, and every etcd member following
    /// one leader in one term: what a fault may start from. A host just back from a network cut can answer for a moment
    /// from its view before the cut (itself the leader), and its etcd member can still be catching up: the etcd leader's
    /// host lost then left etcd 3.5 without a leader for 19 s.
    /// </summary>
    private void WaitWhole(string after)
    {
        bool Whole(List<(string Name, string Role, string State)> members) =>
            members.Count == lab.Hosts.Count && members.All(m => m.State is "running" or "streaming") &&
            members.Count(m => PatroniRoles.IsLeader(m.Role)) == 1 && members.Any(m => PatroniRoles.IsSynchronous(m.Role));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var views = lab.Hosts.Select(h => (Host: h.Name, Members: Members([h]))).ToList();
            var etcd = lab.Hosts.Select(EtcdView).ToList();
            if (views.All(v => Whole(v.Members)) &&
                views.Select(v => v.Members.Single(m => PatroniRoles.IsLeader(m.Role)).Name).Distinct().Count() == 1 &&
                etcd.All(e => e is { Leader: not "0" }) && etcd.Distinct().Count() == 1)
                return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(180),
                $"the cluster whole again after {after}: not within 180 s; Patroni reports " +
                string.Join("; ", views.Select(v => $"via {v.Host}: {string.Join(", ", v.Members.Select(m => $"{m.Name} {m.Role} {m.State}"))}")) +
                $"; etcd (leader, term) per host: {string.Join(", ", etcd.Select(e => e?.ToString() ?? "no answer"))}");
            Thread.Sleep(500);
        }
    }

    /// <summary>The etcd member on <paramref name="host"/>: the leader it follows and its raft term, or null when it does not answer.</summary>
    private static (string Leader, string Term)? EtcdView(LabHost host)
    {
        try
        {
            var status = host.Run($"{HaStack.Infra.Operations.HostOperations.EtcdctlVariables(tls: true)} etcdctl --endpoints=https://127.0.0.1:2379 " +
                "--dial-timeout=2s --command-timeout=3s endpoint status -w json", timeout: TimeSpan.FromSeconds(10));
            if (status.ExitStatus != 0)
                return null;
            var member = JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status");
            // member ids are 64-bit: compared as written, never through a double
            return (member.GetProperty("leader").GetRawText(), member.GetProperty("raftTerm").GetRawText());
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or TimeoutException or JsonException
                                      or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Injects a fault, waits until it has played out (<paramref name="settled"/>), undoes it, and judges what the
    /// writer saw from the injection until writes had settled again.
    /// </summary>
    private void Judge(VipWriter writer, string fault, TimeSpan budget, Action inject, Func<TimeSpan, bool> settled, Action undo)
    {
        var from = writer.Clock.Elapsed;
        var began = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        inject();
        var injected = writer.Clock.Elapsed;
        AgentLab.WaitFor($"{fault}: writes resume", () => settled(injected), TimeSpan.FromSeconds(90));
        var settledAt = writer.Clock.Elapsed;
        undo();
        // the window closes once 50 writes in a row went through after the undo too: a return can cost writes as well
        var undone = writer.Clock.Elapsed;
        AgentLab.WaitFor($"{fault}: writes flow after it is undone", () => writer.Log.AcknowledgedSince(undone) >= 50, TimeSpan.FromSeconds(90));
        var figures = writer.Log.Window(from, writer.Clock.Elapsed);
        var during = writer.Log.Window(from, settledAt);
        var line = $"{fault}: gap {figures.LongestGap.TotalSeconds:0.00} s (budget {budget.TotalSeconds:0} s; longest before the undo " +
                   $"{during.LongestGap.TotalSeconds:0.00} s), {figures.FailedWrites} failed write(s), longest write {figures.LongestWrite.TotalSeconds:0.00} s";
        report.Add(line);
        Console.WriteLine(line);
        // judged at the end, so that one run shows every fault's figures
        if (!figures.Recovered)
            breaches.Add($"{fault}: writes did not resume");
        if (figures.LongestWrite >= FaultOutcome.HangLimit)
            breaches.Add($"{line}: a client was left hanging");
        if (figures.LongestGap > budget)
            breaches.Add($"{line}: over budget\n{PatroniDecisions(began)}");
    }

    /// <summary>What each reachable host's Patroni decided since <paramref name="since"/> (unix seconds), first lines first: why a gap was long.</summary>
    private string PatroniDecisions(long since) => string.Join("\n", lab.Hosts.Select(host =>
    {
        try
        {
            return host.Run($"journalctl -u patroni --since @{since} --no-pager -o cat | grep -E 'demot|promot|failsafe|DCS|leader lock|Request failed to|continue to run' | grep -v 'no action' | head -20",
                timeout: TimeSpan.FromSeconds(10)).Stdout.TrimEnd().Replace("\n", $"\n  {host.Name}: ", StringComparison.Ordinal) is { Length: > 0 } lines ? $"  {host.Name}: {lines}" : $"  {host.Name}: (nothing)";
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return $"  {host.Name}: not reachable";
        }
    }));

    /// <summary>The one host holding the VIP (AgentLab's own helpers would install its test setup over the stack).</summary>
    private LabHost SoleHolder()
    {
        AgentLab.WaitFor("exactly one VIP holder", () => AgentLab.VipHoldersAmong(lab.Hosts).Count == 1, TimeSpan.FromSeconds(10));
        return AgentLab.VipHoldersAmong(lab.Hosts)[0];
    }

    /// <summary>The VIP holder, made not to be the primary (a switchover moves the primary when it is both): a fault of the holder alone.</summary>
    private LabHost HolderOtherThanPrimary()
    {
        var holder = SoleHolder();
        if (holder == Primary())
        {
            project.Check("switchover");
            WaitWhole("the switchover");
        }
        return holder;
    }

    // keepalived installed and enabled on every host before the deployment, running with a config of its own for the
    // VIP: it starts at every boot (the holder's power-on below), and before HaStack displaced it, held the VIP beside
    // the agent (a split brain this test met in CI)
    [Fact]
    public void Power_cuts_network_cuts_of_the_holder_and_the_primary_two_primaries_lost_in_a_row_and_etcd_quorum_loss_cost_bounded_gaps_and_lose_no_acknowledged_write()
    {
        EngineProject.CleanSlate(lab);
        Parallel.ForEach(lab.Hosts, host =>
        {
            host.Check("DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends keepalived >/tmp/keepalived-apt.log 2>&1 || { tail -20 /tmp/keepalived-apt.log; exit 1; }");
            host.Check("cat > /etc/keepalived/keepalived.conf && systemctl enable --quiet keepalived && systemctl restart keepalived", stdin: AgentLab.Config(200) + "\n");
        });
        project.Check("up", "--yes");
        foreach (var host in lab.Hosts)
        {
            host.Run("systemctl start keepalived");
            Assert.Equal("inactive", host.Run("systemctl is-active keepalived").Stdout.Trim());
        }
        using var writer = new VipWriter(AgentLab.Vip, 5000, project.Secret("postgres-superuser"), TimeSpan.FromMilliseconds(10));
        AgentLab.WaitFor("writes flowing", () => writer.Log.AcknowledgedSince(TimeSpan.Zero) >= 20, TimeSpan.FromSeconds(30));
        bool WritesSince(TimeSpan at) => writer.Log.AcknowledgedSince(at) >= 20;

        // the sync standby: the primary's commits wait for it until Patroni names the other replica
        var standby = WithRole(PatroniRoles.IsSynchronous);
        Judge(writer, $"power-off of the sync standby ({standby.Name})", ReplicaLoss,
            () => Lab("power.sh", standby, "off"), WritesSince, () => Lab("power.sh", standby, "on"));
        WaitWhole("the standby's power-off");

        var holder = HolderOtherThanPrimary();
        Judge(writer, $"power-off of the VIP holder ({holder.Name})", HolderLoss,
            () => Lab("power.sh", holder, "off"), WritesSince, () => Lab("power.sh", holder, "on"));
        WaitWhole("the VIP holder's power-off");

        holder = HolderOtherThanPrimary();
        Judge(writer, $"network cut of the VIP holder ({holder.Name}), 15 s", HolderLoss,
            () => Lab("network.sh", holder, "cut"), at => WritesSince(at) && writer.Clock.Elapsed - at > TimeSpan.FromSeconds(15),
            () => Lab("network.sh", holder, "restore"));
        WaitWhole("the VIP holder's network cut");

        // two of three etcd members stopped: no quorum, and failsafe mode keeps the primary, which reaches every member
        var stopped = lab.Hosts.Where(h => h != Primary()).ToList();
        Judge(writer, "etcd stopped on 2 of 3 hosts, 20 s", EtcdQuorumLoss,
            () => Parallel.ForEach(stopped, h => h.Check("systemctl stop etcd")), at => writer.Clock.Elapsed - at > TimeSpan.FromSeconds(20),
            () => Parallel.ForEach(stopped, h => h.Check("systemctl start etcd")));
        WaitWhole("the etcd quorum loss");

        // the primary cut off the network: it demotes itself (no etcd quorum on its side), a replica takes over after the
        // ttl, and when the cut ends the old primary must come back a replica. Patroni 3.0.2 took the leader key back
        // then (a stale view of etcd and a plain put) and promoted its stale copy: every write since the failover was
        // lost. HaStack starts Patroni 3.0 with a compare-and-swap renewal (patroni-safe-leader).
        var cut = Primary();
        Judge(writer, $"network cut of the primary ({cut.Name}), 30 s", PrimaryLoss,
            () => Lab("network.sh", cut, "cut"),
            at => WritesSince(at) && writer.Clock.Elapsed - at > TimeSpan.FromSeconds(30),
            () => Lab("network.sh", cut, "restore"));
        WaitWhole("the primary's network cut");
        var afterCut = Members();
        report.Add($"members after the primary's network cut: {string.Join(", ", afterCut.Select(m => $"{m.Name} {m.Role} {m.State}"))}");
        Assert.DoesNotContain(afterCut, m => m.Name == cut.Name && PatroniRoles.IsLeader(m.Role));

        // two primaries lost in a row: the second as soon as a sync standby is named after the first failover (the
        // earliest point Patroni can promise a successor), while the first host is still booting
        var first = Primary();
        Judge(writer, $"power-off of the primary ({first.Name})", PrimaryLoss,
            () => Lab("power.sh", first, "off"),
            at => WritesSince(at) && Members(lab.Hosts.Where(h => h != first)) is var m && m.Any(x => PatroniRoles.IsLeader(x.Role) && x.Name != first.Name) && m.Any(x => PatroniRoles.IsSynchronous(x.Role)),
            () => Lab("power.sh", first, "on"));
        var second = lab.Hosts.Single(h => h.Name == Members(lab.Hosts.Where(h => h != first)).Single(m => PatroniRoles.IsLeader(m.Role)).Name);
        Judge(writer, $"power-off of the new primary ({second.Name}) right after", PrimaryLoss,
            () => Lab("power.sh", second, "off"),
            at => WritesSince(at) && Members(lab.Hosts.Where(h => h != second)).Any(m => PatroniRoles.IsLeader(m.Role) && m.Name != second.Name),
            () => Lab("power.sh", second, "on"));
        // Patroni 3.0.2 does not always bring both old primaries back as streaming replicas by itself (one can be left
        // needing a rewind or a fresh copy; seen once in CI): what is promised is a primary taking writes again and
        // nothing lost, so this comes last and the members are reported, not awaited
        report.Add($"members after two primaries lost in a row: {string.Join(", ", Members().Select(m => $"{m.Name} {m.Role} {m.State}"))}");

        writer.Stop(TimeSpan.FromSeconds(35));
        var lost = writer.Lost();
        Console.WriteLine(string.Join('\n', report));
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged write(s) lost: {string.Join(", ", lost.Take(20))}");
        Assert.True(breaches.Count == 0, string.Join('\n', breaches));
    }
}
