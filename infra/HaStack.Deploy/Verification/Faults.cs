using HaStack.Infra.Catalogue;
using HaStack.Infra.Topology;

namespace HaStack.Deploy.Verification;

/// <summary>Which host a fault hits, found at the moment it is injected.</summary>
internal enum FaultTarget
{
    VipHolder,
    Primary,
}

/// <summary>How a fault is injected, and so how the matrix knows it is over.</summary>
internal enum FaultKind
{
    /// <summary><c>systemctl stop</c>: the VIP must move away from the host.</summary>
    Stop,

    /// <summary>SIGKILL to every process of the unit: systemd, not HaStack, must bring it back.</summary>
    Kill,

    /// <summary>SIGKILL to Patroni alone: PostgreSQL keeps running and the new Patroni adopts it.</summary>
    KillMainOnly,

    /// <summary>SIGKILL to the primary's postmaster: Patroni must restart PostgreSQL.</summary>
    KillPostmaster,

    /// <summary><c>hastack switchover</c>: the primary handed over on purpose.</summary>
    Switchover,
}

/// <summary>
/// One kind of fault the matrix injects: only HaStack's own services, each restored afterwards. The budgets are
/// what a client writing through the VIP may see at most: the longest time without an acknowledged write, and
/// (where the design promises it) how many writes may fail.
/// </summary>
/// <param name="Name">the name <c>--faults</c> takes</param>
/// <param name="Unit">the systemd unit the fault hits (and the restore starts again); for the postmaster, Patroni's</param>
internal sealed record Fault(string Name, string What, FaultKind Kind, FaultTarget Target, string? Unit, TimeSpan GapBudget, int? FailedWriteBudget = null)
{
    /// <summary>A host process is lost without warning, and systemd (not HaStack) must bring it back.</summary>
    public bool IsKill => Kind is FaultKind.Kill or FaultKind.KillMainOnly or FaultKind.KillPostmaster;
}

internal static partial class Faults
{
    /// <summary>The layer's service on the VIP holder; the unit is the stack's (HAProxy, PgBouncer or Patroni).</summary>
    public const string LayerStop = "layer-stop";

    /// <summary>Every fault's name, in the matrix's order: the same on every stack (what each does depends on its topology).</summary>
    public static readonly IReadOnlyList<string> Names = [LayerStop, AgentKill, PgBouncerKill, PatroniKill, PostmasterKill, Switchover];

    /// <summary>The names in <paramref name="list"/> that are no fault's, read without any host: a usage error.</summary>
    public static IReadOnlyList<string> UnknownNames(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(n => !Names.Contains(n)).ToList();

    /// <summary>
    /// The matrix on <paramref name="topology"/>: the VIP's layer stopped, then each component's own faults (in their
    /// folders: <c>Components/*/Faults.*.cs</c>), in <see cref="Names"/>' order.
    /// </summary>
    public static IReadOnlyList<Fault> For(ClusterTopology topology)
    {
        var layerUnit = topology.LayerService;
        // on the database layer, stopping the layer is a failover: a new primary first, then the old holder's check
        // falls (2 s) and the new one's rises (2 s) before the VIP follows
        var layerStop = new Fault(LayerStop, $"{layerUnit} stopped on the VIP holder", FaultKind.Stop, FaultTarget.VipHolder, layerUnit,
            TimeSpan.FromSeconds(OnDatabaseLayer(topology) ? 7 : 2));
        return [layerStop, AgentFault(), PgBouncerFault(topology), .. PatroniFaults(topology)];
    }

    /// <summary>The VIP floats over the database hosts: a fault of the primary moves the VIP too, which takes the agents' checks longer.</summary>
    private static bool OnDatabaseLayer(ClusterTopology topology) => topology.LayerService == Components.Postgres.Unit;

    /// <summary>
    /// The faults named in <paramref name="list"/> (comma-separated; empty or null: all), in the matrix's order,
    /// or the names that are not faults.
    /// </summary>
    public static (IReadOnlyList<Fault> Faults, IReadOnlyList<string> Unknown) Select(ClusterTopology topology, string? list)
    {
        var all = For(topology);
        if (string.IsNullOrWhiteSpace(list))
            return (all, []);
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var unknown = names.Where(n => all.All(f => f.Name != n)).ToList();
        return (all.Where(f => names.Contains(f.Name)).ToList(), unknown);
    }
}

/// <summary>What one injected fault cost a client writing through the VIP, and whether that is within its budget.</summary>
internal sealed record FaultOutcome(Fault Fault, string Host, WindowFigures Figures, string? Problem)
{
    /// <summary>The window measured, on the writer's clock: from the injection until writes had settled.</summary>
    public TimeSpan From { get; init; }

    public TimeSpan To { get; init; }

    /// <summary>A write that took this long was a client left hanging, whatever the gap.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public bool WithinBudget => Breach is null;

    public string Verdict => Breach ?? "ok";

    /// <summary>What went over a budget, or null when nothing did.</summary>
    public string? Breach => Problem ?? (!Figures.Recovered ? "writes did not resume"
        : Figures.LongestWrite >= HangLimit ? $"a write hung {Figures.LongestWrite.TotalSeconds:0.0} s" + (Figures.LongestWriteError is { } error ? $" ({error})" : "")
        : Figures.LongestGap > Fault.GapBudget ? $"gap over the {Fault.GapBudget.TotalSeconds:0.#} s budget"
        : Figures.FailedWrites > Fault.FailedWriteBudget ? $"{Figures.FailedWrites} failed write(s), over the budget of {Fault.FailedWriteBudget}"
        : null);
}

/// <summary>An acknowledged write the database does not have, and when it was acknowledged: in a fault's window or after one.</summary>
internal sealed record LostWrite(long Id, TimeSpan AcknowledgedAt, string When)
{
    public static LostWrite Of(long id, WriteLog log, IReadOnlyList<FaultOutcome> outcomes)
    {
        var at = log.Snapshot().First(a => a.Id == id && a.Acknowledged).Ended;
        var during = outcomes.LastOrDefault(o => o.From <= at);
        var when = during is null ? "before the first fault"
            : at <= during.To ? $"during {during.Fault.Name}, {(at - during.From).TotalSeconds:0.00} s after it began"
            : $"after {during.Fault.Name}, {(at - during.To).TotalSeconds:0.00} s after its window closed";
        return new LostWrite(id, at, when);
    }

    public override string ToString() => $"{Id} ({When})";
}
