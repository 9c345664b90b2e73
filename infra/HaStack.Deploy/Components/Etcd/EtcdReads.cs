using HaStack.Deploy.Remote;
using HaStack.Deploy.Status;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Reads;

/// <summary>etcd as HaStack reads it: etcdctl's JSON, through the host's own member.</summary>
internal static class EtcdReads
{
    /// <summary>Every member's status and health (a member that does not answer is reported unhealthy).</summary>
    public static HostRead<IReadOnlyList<EtcdMemberView>> Members(int clientPort, bool tls) => new(HostOperations.EtcdMembersStatus(clientPort, tls), StatusParsers.EtcdMembers);
}
