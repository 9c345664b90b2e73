using HaStack.Infra.Topology;

namespace HaStack.Deploy.Verification;

internal static partial class Faults
{
    public const string PatroniKill = "patroni-kill", PostmasterKill = "postmaster-kill", Switchover = "switchover";

    private static IEnumerable<Fault> PatroniFaults(ClusterTopology topology)
    {
        var onDatabaseLayer = OnDatabaseLayer(topology);
        // on the database layer the agent's check asks Patroni: its death takes the VIP away until it is back
        yield return new(PatroniKill, "Patroni killed (SIGKILL) on the primary; PostgreSQL keeps running", FaultKind.KillMainOnly, FaultTarget.Primary, "patroni",
            TimeSpan.FromSeconds(onDatabaseLayer ? 7 : 5));
        // a postmaster crash hands over to the sync standby on the database layer (patroni.primaryStartTimeout 0)
        yield return new(PostmasterKill, "the postmaster killed (SIGKILL) on the primary", FaultKind.KillPostmaster, FaultTarget.Primary, "patroni",
            TimeSpan.FromSeconds(onDatabaseLayer && topology.Config.Patroni.PrimaryStartTimeout == 0 ? 7 : 5));
        // a switchover moves the VIP too on the database layer; with PgBouncer in front of HAProxy, a switchover holds
        // every transaction there: no write fails
        yield return new(Switchover, "hastack switchover to the sync standby (PgBouncer paused around it)", FaultKind.Switchover, FaultTarget.Primary, null,
            TimeSpan.FromSeconds(onDatabaseLayer ? 7 : 5), topology.PoolerOnProxies && !onDatabaseLayer ? 0 : null);
    }
}
