using HaStack.Infra.Graph;

namespace HaStack.Deploy.Planning;

/// <summary>
/// What one run may not do although each of its steps could: etcd takes one membership change at a time (a member
/// added counts against the quorum before it has started), so a running cluster gains or loses one member per up.
/// Found at preview, before any host is touched.
/// </summary>
public static class PlanLimits
{
    public static IReadOnlyList<string> Problems(IReadOnlyList<PlannedStep> steps)
    {
        var members = steps.Select(s => (s.Op, Membership: MembershipOf(s))).Where(m => m.Membership is not null).ToList();
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
        return problems;
    }

    private static string Describe(List<string> names, string verb) =>
        names.Count == 0 ? "" : $"{string.Join(", ", names)} would {verb}";

    /// <summary>The etcd membership a service step brings or takes (state's copy was checked when it was read).</summary>
    private static EtcdMembership? MembershipOf(PlannedStep step) =>
        step.Type != ResourceTypes.Service ? null
            : step.Desired is { Spec: ServiceInputs desired } ? desired.Membership
            : step.Recorded is { } recorded ? ServiceInputs.Parse(recorded.Inputs).Membership
            : null;
}
