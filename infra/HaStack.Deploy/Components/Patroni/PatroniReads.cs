using HaStack.Deploy.Remote;
using HaStack.Deploy.Status;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Reads;

/// <summary>Patroni's REST API as HaStack reads it: each read the call and its parser.</summary>
internal static class PatroniReads
{
    /// <summary>Every member, as /cluster reports the whole cluster from any member (with whether it waits for a restart).</summary>
    public static HostRead<IReadOnlyList<MemberView>> Members(SqlTarget target) => new(HostOperations.PatroniCluster(target), StatusParsers.Members);

    /// <summary>The standbys the primary really replicates to synchronously, from its own /patroni.</summary>
    public static HostRead<IReadOnlyList<string>> SynchronousStandbys(SqlTarget primary) => new(HostOperations.PatroniSynchronousStandbys(primary), PatroniReplies.SynchronousStandbys);
}
