using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>
/// etcd's rules on a plan: it takes one membership change at a time (a member added counts against the quorum before
/// it has started), so a running cluster gains or loses one member per up; and TLS is not switched on a running cluster.
/// </summary>
internal static class EtcdPlanRules
{
    public static IReadOnlyList<string> Problems(IReadOnlyList<PlannedStep> steps)
    {
        var members = steps.Select(s => (s.Op, Membership: ClusterSteps.MembershipOf(s))).Where(m => m.Membership is not null).ToList();
        var staying = members.Where(m => m.Op is StepOp.Same or StepOp.Update).Select(m => m.Membership!.Name).ToList();
        var joining = members.Where(m => m.Op == StepOp.Create).Select(m => m.Membership!.Name).ToList();
        var leaving = members.Where(m => m.Op == StepOp.Delete).Select(m => m.Membership!.Name).ToList();
        var problems = new List<string>();
        if (staying.Count == 0 && leaving.Count > 0 && joining.Count > 0)
            problems.Add($"etcd: every member would be replaced at once ({string.Join(", ", leaving)} leave, {string.Join(", ", joining)} join), " +
                         "and with them the cluster Patroni keeps its leader lock in; fix: keep at least one etcd host and move the role one host per up");
        else if (staying.Count > 0 && joining.Count + leaving.Count > 1)
            problems.Add($"etcd: {Describe(joining, "join")}{(joining.Count > 0 && leaving.Count > 0 ? " and " : "")}{Describe(leaving, "leave")} in one up, " +
                         $"but etcd takes one membership change at a time (a new member counts against the quorum before it has started); " +
                         $"fix: add or remove one etcd host per up (the running members: {string.Join(", ", staying)})");
        problems.AddRange(TlsSwitches(steps));
        return problems;
    }

    /// <summary>
    /// A running etcd member whose cluster would turn TLS on or off: its peers know it by its recorded URLs, and a
    /// restart with the other scheme would cut it off from them (members one by one, and with the last Patroni's
    /// lock). Not built yet, so refused: the stack keeps what its etcd was deployed with.
    /// </summary>
    private static IEnumerable<string> TlsSwitches(IReadOnlyList<PlannedStep> steps)
    {
        var switching = steps
            .Where(s => s.Type == ResourceTypes.Service && s.Op is StepOp.Same or StepOp.Update && s.Recorded is not null && s.Desired is { Spec: ServiceInputs })
            .Select(s => (Desired: ((ServiceInputs)s.Desired!.Spec).Membership, Recorded: ((ServiceInputs)s.Recorded!.Spec).Membership))
            .Where(m => m.Desired is not null && m.Recorded is not null && m.Desired.Tls != m.Recorded.Tls)
            .Select(m => m.Desired!)
            .ToList();
        if (switching.Count == 0)
            yield break;
        var on = switching[0].Tls;
        yield return $"etcd: {string.Join(", ", switching.Select(m => m.Name))} run{(switching.Count == 1 ? "s" : "")} {(on ? "without" : "with")} TLS, and this stack " +
                     $"asks {(on ? "for it" : "for none")}; HaStack does not turn TLS {(on ? "on" : "off")} for a running etcd cluster yet (its members know each other by " +
                     $"{(on ? "http" : "https")} URLs); fix: set hastack:tls.enabled: {(on ? "false" : "true")} in the stack file to keep it as deployed" +
                     (on ? ", or deploy the cluster anew (destroy, then up) to have TLS from the start" : "");
    }

    private static string Describe(List<string> names, string verb) =>
        names.Count == 0 ? "" : $"{string.Join(", ", names)} would {verb}";
}
