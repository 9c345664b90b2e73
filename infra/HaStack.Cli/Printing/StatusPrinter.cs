using System.Globalization;
using HaStack.Deploy.Engine;
using HaStack.Deploy.Status;
using HaStack.Infra.Catalogue;

namespace HaStack.Cli.Printing;

/// <summary><c>hastack status</c> for people: one screen, a section per layer, then what is degraded and what needs a look.</summary>
internal static class StatusPrinter
{
    public static void Print(RunOutput output, StackStatus status, StatusHealth.Verdict verdict)
    {
        output.Line();
        output.Line($"Stack {status.Stack}: {(verdict.Healthy ? "healthy" : "DEGRADED")}", verdict.Healthy ? LineStyle.Plain : LineStyle.Failure);

        var holders = status.VipHolders;
        output.Line();
        output.Line($"VIP {status.Vip}: {(holders.Count == 0 ? "held by no host" : "on " + string.Join(" and ", holders))}");
        foreach (var a in status.Agents)
            output.Line(a.Answered
                ? $"    {a.Host,-12} {a.State,-7} priority {a.Priority}/{a.ConfiguredPriority}{(a.HoldsVip ? "  holds the VIP" : "")}{(a.State == "FAULT" && a.LastReason is not null ? $"  ({a.LastReason})" : "")}"
                : $"    {a.Host,-12} agent not answering", a.Answered && a.State != "FAULT" ? LineStyle.Plain : LineStyle.Failure);

        if (status.ProxyServers.Count > 0)
        {
            output.Line();
            output.Line("HAProxy (servers taking connections):");
            foreach (var proxy in status.ProxyServers.GroupBy(s => s.Host))
            {
                string Listener(string name) => string.Join(", ", proxy.Where(s => s.Listener == name && s.IsUp).Select(s => s.Server).DefaultIfEmpty("none"));
                output.Line($"    {proxy.Key,-12} writes: {Listener(Components.HaproxyWriteListener)}   reads: {Listener(Components.HaproxyReadListener)}");
            }
        }

        output.Line();
        output.Line("Patroni:");
        foreach (var m in status.Members)
        {
            var lag = m.IsLeader ? "" : m.LagBytes is { } bytes ? $"  lag {bytes} B" : "  lag unknown";
            output.Line($"    {m.Name,-12} {m.Role,-13} {m.State,-10} timeline {m.Timeline?.ToString(CultureInfo.InvariantCulture) ?? "?"}{lag}{(m.PendingRestart ? "  pending restart" : "")}",
                m.State is "running" or "streaming" ? LineStyle.Plain : LineStyle.Failure);
        }

        output.Line();
        output.Line("etcd:");
        foreach (var e in status.EtcdMembers)
            output.Line($"    {e.Endpoint,-28} {(e.Healthy ? "healthy" : "UNHEALTHY"),-9}{(e.IsLeader ? " leader" : "       ")}  {e.Version}", e.Healthy ? LineStyle.Plain : LineStyle.Failure);

        if (status.Pools.Count > 0)
        {
            output.Line();
            output.Line("PgBouncer pools:");
            foreach (var p in status.Pools)
                output.Line($"    {p.Host,-12} {p.Database}/{p.User}: clients {p.ClientsActive} active, {p.ClientsWaiting} waiting (longest {p.MaxWaitSeconds} s); servers {p.ServersActive} active, {p.ServersIdle} idle");
        }

        output.Line();
        output.Line(status.LastProof.Count == 0 ? "Last failover proof: none recorded"
            : "Last failover proof: " + string.Join(", ", status.LastProof.Select(kv => $"{kv.Key} {kv.Value}")));
        if (status.Certificates.Count > 0)
        {
            var nearest = status.Certificates.MinBy(c => c.NotAfter)!;
            output.Line($"Certificates: {status.Certificates.Count}, the nearest end {nearest.Host}'s on {nearest.NotAfter:yyyy-MM-dd} " +
                        $"({(nearest.NotAfter - DateTimeOffset.UtcNow).TotalDays:0} days; up renews {nearest.RenewDaysBefore} days before)");
        }
        if (status.AuthorityEnds is { } authorityEnds)
            output.Line($"Cluster CA: ends on {authorityEnds:yyyy-MM-dd} ({(authorityEnds - DateTimeOffset.UtcNow).TotalDays:0} days; not renewed by up)");

        if (verdict.Degraded.Count > 0)
        {
            output.Line();
            output.Line("Degraded:", LineStyle.Failure);
            foreach (var reason in verdict.Degraded)
                output.Line($"    - {reason}", LineStyle.Failure);
        }
        if (verdict.Notes.Count > 0)
        {
            output.Line();
            output.Line("Notes:");
            foreach (var note in verdict.Notes)
                output.Line($"    - {note}");
        }
    }
}
