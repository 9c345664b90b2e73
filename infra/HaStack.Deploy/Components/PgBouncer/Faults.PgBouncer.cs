using HaStack.Infra.Topology;

namespace HaStack.Deploy.Verification;

internal static partial class Faults
{
    public const string PgBouncerKill = "pgbouncer-kill";

    /// <summary>With PgBouncer in front of HAProxy, the one a client passes is on the VIP holder; else the primary's.</summary>
    private static Fault PgBouncerFault(ClusterTopology topology) => topology.PoolerOnProxies
        ? new(PgBouncerKill, "PgBouncer killed (SIGKILL) on the VIP holder", FaultKind.Kill, FaultTarget.VipHolder, "pgbouncer", TimeSpan.FromSeconds(2))
        : new(PgBouncerKill, "PgBouncer killed (SIGKILL) on the primary's host", FaultKind.Kill, FaultTarget.Primary, "pgbouncer", TimeSpan.FromSeconds(2));
}
