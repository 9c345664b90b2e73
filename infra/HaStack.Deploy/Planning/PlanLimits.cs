namespace HaStack.Deploy.Planning;

/// <summary>
/// What one run may not do although each of its steps could: each component's rules on a plan (etcd's:
/// <see cref="EtcdPlanRules"/>). Found at preview, before any host is touched.
/// </summary>
internal static class PlanLimits
{
    public static IReadOnlyList<string> Problems(IReadOnlyList<PlannedStep> steps) => EtcdPlanRules.Problems(steps);
}
