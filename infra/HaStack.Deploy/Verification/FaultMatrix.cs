using HaStack.Deploy.Remote;
using HaStack.Infra;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Verification;

/// <summary>
/// <c>hastack verify --faults</c>: injects each fault into a deployed stack while a client writes through the VIP,
/// one at a time, and measures what the client saw: failed writes, the longest gap, the longest single write.
/// Safe on real hosts: only HaStack's own services are stopped or killed, each is restored, and the next fault
/// waits until the cluster is whole again. Every wait is bounded.
/// </summary>
/// <param name="restPassword">Patroni's REST password, for the switchover</param>
internal sealed class FaultMatrix(StackPlan plan, Func<string, IHostSession> session, string superuserPassword, string restPassword, Action<string> progress)
{
    private static readonly TimeSpan WritePause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(90);

    private readonly ClusterChecks checks = new(plan, session);

    /// <summary>
    /// Runs <paramref name="faults"/> in order; then the acknowledged writes missing from the database, each with the
    /// fault in whose window (or after which) it was acknowledged.
    /// </summary>
    public (IReadOnlyList<FaultOutcome> Outcomes, IReadOnlyList<LostWrite> Lost) Run(IReadOnlyList<Fault> faults, Action<FaultOutcome> measured)
    {
        checks.WaitWhole("the cluster is whole before the faults");
        var outcomes = new List<FaultOutcome>();
        using var writer = new VipWriter(plan.Config.Vip.Address, plan.Topology.ClientPorts.Writes, superuserPassword, WritePause);
        foreach (var fault in faults)
        {
            var outcome = Inject(fault, writer);
            outcomes.Add(outcome);
            measured(outcome);
            checks.WaitWhole($"the cluster is whole after {fault.Name}");
        }
        writer.Stop(TimeSpan.FromSeconds(35));
        return (outcomes, writer.Lost().Select(id => LostWrite.Of(id, writer.Log, outcomes)).ToList());
    }

    private FaultOutcome Inject(Fault fault, VipWriter writer)
    {
        WaitUntil($"writes flow through the VIP before {fault.Name}", () => writer.Log.AcknowledgedSince(writer.Clock.Elapsed - TimeSpan.FromSeconds(1)) >= 5,
            TimeSpan.FromSeconds(60), () => writer.LastError);
        var leader = checks.Members().FirstOrDefault(m => m.IsLeader)?.Name
            ?? throw new VerificationFailedException(fault.Name, "Patroni reports no leader");
        var host = fault.Target == FaultTarget.VipHolder ? checks.SingleHolder($"the VIP is on one host before {fault.Name}") : leader;
        progress($"{fault.Name}: {fault.What} ({host})");

        var start = writer.Clock.Elapsed;
        string? problem = null;
        try
        {
            if (fault.Kind == FaultKind.Switchover)
                new Cluster.PlannedSwitchover(plan, session, restPassword, _ => { }).Run(to: null);
            else
                session(host).Check(InjectScript(fault));
            if (!Restored(fault, host, leader))
                problem = "the stack did not recover";
        }
        catch (Exception e) when (e is RemoteCommandException or VerificationFailedException or Cluster.SwitchoverException)
        {
            problem = e.Message;
        }
        finally
        {
            // a stopped service is started; a killed one that systemd already restarted is left as it is
            if (fault.Unit is { } unit)
                session(host).Run(HostOperations.Systemctl("start", unit));
        }
        // the window closes once writes have flowed again for a while, or at the recovery limit
        var recoveredAt = writer.Clock.Elapsed;
        WaitUntil("writes settle", () => writer.Log.AcknowledgedSince(recoveredAt) > 0 && writer.Clock.Elapsed - recoveredAt >= Settled,
            RecoveryLimit, () => writer.LastError, throwOnTimeout: false);
        return new FaultOutcome(fault, host, writer.Log.Window(start, writer.Clock.Elapsed), problem) { From = start, To = writer.Clock.Elapsed };
    }

    private HostScript InjectScript(Fault fault) => fault.Kind switch
    {
        FaultKind.Stop => HostOperations.Systemctl("stop", fault.Unit!),
        FaultKind.KillMainOnly => HostOperations.KillService(fault.Unit!, mainOnly: true),
        FaultKind.KillPostmaster => HostOperations.KillPostmaster(Components.PostgresDataDirectory(plan.Config)),
        FaultKind.Kill => HostOperations.KillService(fault.Unit!, mainOnly: false),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "not injected by a script"),
    };

    /// <summary>Waits until what the fault broke is back: the unit running again, a leader, the VIP on one host.</summary>
    private bool Restored(Fault fault, string host, string oldLeader)
    {
        var deadline = DateTime.UtcNow + RecoveryLimit;
        // one limit for every stage of the recovery together
        bool Until(Func<bool> condition) => Poll.Until(condition, deadline - DateTime.UtcNow, TimeSpan.FromMilliseconds(100));
        if (fault.Kind == FaultKind.Stop)
            return Until(() => checks.VipHosts.Any(h => h != host && checks.Holds(h)));
        if (fault.IsKill && fault.Unit is { } unit && !Until(() => session(host).Run(HostOperations.ServiceState(unit)).Stdout.Trim() == "active"))
            return false;
        return fault.Kind == FaultKind.Switchover
            ? Until(() => checks.Members().Any(x => x.IsLeader && x.Name != oldLeader && x.IsRunning))
            : Until(() => checks.Members().Any(x => x.IsLeader && x.IsRunning));
    }

    private static void WaitUntil(string what, Func<bool> condition, TimeSpan limit, Func<string?> lastError, bool throwOnTimeout = true)
    {
        if (!Poll.Until(condition, limit, TimeSpan.FromMilliseconds(50)) && throwOnTimeout)
            throw new VerificationFailedException(what, $"not within {limit.TotalSeconds} s; the writer's last error: {lastError() ?? "none"}");
    }
}
