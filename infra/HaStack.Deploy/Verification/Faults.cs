namespace HaStack.Deploy.Verification;

/// <summary>Which host a fault hits, found at the moment it is injected.</summary>
public enum FaultTarget
{
    VipHolder,
    Primary,
}

/// <summary>
/// One kind of fault the matrix injects: only HaStack's own services, each restored afterwards. The budget is
/// what a client writing through the VIP may see at most: the longest time without an acknowledged write.
/// </summary>
/// <param name="Name">the name <c>--faults</c> takes</param>
/// <param name="Unit">the systemd unit the fault hits (and the restore starts again); for the postmaster, Patroni's</param>
public sealed record Fault(string Name, string What, FaultTarget Target, string? Unit, TimeSpan GapBudget)
{
    /// <summary>A host process is lost without warning, and systemd (not HaStack) must bring it back.</summary>
    public bool IsKill => Name.EndsWith("-kill", StringComparison.Ordinal);
}

public static class Faults
{
    /// <summary>The layer's service on the VIP holder; the unit is the stack's (HAProxy, PgBouncer or Patroni).</summary>
    public const string LayerStop = "layer-stop";

    public static IReadOnlyList<Fault> For(string layerUnit) =>
    [
        // on the database layer, stopping the layer is a failover and a switchover moves the VIP too: a new primary
        // first, then the old holder's check falls (2 s) and the new one's rises (2 s) before the VIP follows
        new(LayerStop, $"{layerUnit} stopped on the VIP holder", FaultTarget.VipHolder, layerUnit, TimeSpan.FromSeconds(OnDatabaseLayer(layerUnit) ? 7 : 2)),
        new("agent-kill", "hastack-vrrpd killed (SIGKILL) on the VIP holder", FaultTarget.VipHolder, "hastack-vrrpd", TimeSpan.FromSeconds(2)),
        new("pgbouncer-kill", "PgBouncer killed (SIGKILL) on the primary's host", FaultTarget.Primary, "pgbouncer", TimeSpan.FromSeconds(2)),
        new("patroni-kill", "Patroni killed (SIGKILL) on the primary; PostgreSQL keeps running", FaultTarget.Primary, "patroni", TimeSpan.FromSeconds(5)),
        new("postmaster-kill", "the postmaster killed (SIGKILL) on the primary", FaultTarget.Primary, "patroni", TimeSpan.FromSeconds(5)),
        new("switchover", "hastack switchover to the sync standby (PgBouncer paused around it)", FaultTarget.Primary, null,
            TimeSpan.FromSeconds(OnDatabaseLayer(layerUnit) ? 7 : 5)),
    ];

    private static bool OnDatabaseLayer(string layerUnit) => layerUnit == Infra.Catalogue.Components.Postgres.Unit;

    /// <summary>
    /// The faults named in <paramref name="list"/> (comma-separated; empty or null: all), in the matrix's order,
    /// or the names that are not faults.
    /// </summary>
    public static (IReadOnlyList<Fault> Faults, IReadOnlyList<string> Unknown) Select(string layerUnit, string? list)
    {
        var all = For(layerUnit);
        if (string.IsNullOrWhiteSpace(list))
            return (all, []);
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var unknown = names.Where(n => all.All(f => f.Name != n)).ToList();
        return (all.Where(f => names.Contains(f.Name)).ToList(), unknown);
    }
}

/// <summary>What one injected fault cost a client writing through the VIP, and whether that is within its budget.</summary>
public sealed record FaultOutcome(Fault Fault, string Host, WindowFigures Figures, string? Problem)
{
    /// <summary>A write that took this long was a client left hanging, whatever the gap.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public bool WithinBudget => Problem is null && Figures.Recovered && Figures.LongestGap <= Fault.GapBudget && Figures.LongestWrite < HangLimit;

    public string Verdict => Problem ?? (!Figures.Recovered ? "writes did not resume"
        : Figures.LongestWrite >= HangLimit ? $"a write hung {Figures.LongestWrite.TotalSeconds:0.0} s"
        : Figures.LongestGap > Fault.GapBudget ? $"gap over the {Fault.GapBudget.TotalSeconds:0.#} s budget"
        : "ok");
}
