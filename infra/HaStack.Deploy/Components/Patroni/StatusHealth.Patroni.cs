using HaStack.Infra;
using HaStack.Infra.Config;

namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    private static void Patroni(StackStatus status, StackPlan plan, List<string> degraded, List<string> notes)
    {
        var config = plan.Config;
        var topology = plan.Topology;
        // Patroni: every database host a member, one leader, everyone running, a real sync standby where asked
        var members = status.Members;
        if (members.Count > 0)
        {
            var leaders = members.Where(m => m.IsLeader).ToList();
            if (leaders.Count != 1)
                degraded.Add(leaders.Count == 0 ? "Patroni has no leader: no primary takes writes" : $"Patroni reports {leaders.Count} leaders");
            foreach (var missing in topology.DatabaseHosts.Select(h => h.Name).Except(members.Select(m => m.Name), StringComparer.Ordinal))
                degraded.Add($"{missing} is not a Patroni member");
            foreach (var member in members.Where(m => m.State is not ("running" or "streaming")))
                degraded.Add($"{member.Name} ({member.Role}) is {member.State}");
            if (config.Postgres.SynchronousMode != SynchronousMode.Off && topology.DatabaseHosts.Count > 1 && !members.Any(m => Verification.PatroniRoles.IsSynchronous(m.Role)))
                degraded.Add("no synchronous standby is named: a primary lost now would not be replaced (Patroni promotes only a synchronous one)");
            foreach (var lagging in members.Where(m => !m.IsLeader && m.LagBytes > config.Patroni.MaximumLagOnFailover))
                degraded.Add($"{lagging.Name} is {lagging.LagBytes} bytes behind, over patroni.maximumLagOnFailover ({config.Patroni.MaximumLagOnFailover}): it cannot take over");
            var timelines = members.Where(m => m.Timeline is not null).Select(m => m.Timeline).Distinct().Count();
            if (timelines > 1)
                notes.Add("members are on different timelines: a replica has not followed the last failover yet");
            foreach (var pending in members.Where(m => m.PendingRestart))
                notes.Add($"{pending.Name} waits for a restart to apply a setting (pending_restart)");
        }
        else if (!status.Unreadable.Any(u => u.Contains("Patroni", StringComparison.Ordinal)))
            degraded.Add("no Patroni member answers");
    }
}
