using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Etcd component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    public const string EtcdDataRoot = "/var/lib/etcd/";

    /// <summary>Not Debian's /var/lib/etcd/default: a member must join with a data directory of its own cluster only.</summary>
    public static string EtcdDataDirectory(StackConfig c) => EtcdDataRoot + c.Patroni.Scope;

    /// <summary>Written before an etcd member's first start (<see cref="Operations.HostOperations.StartService"/>): the cluster it starts in.</summary>
    public const string EtcdJoinEnvironmentPath = "/etc/default/etcd-join";

    public const string EtcdKeyPath = TlsDirectory + "etcd.key";

    public static readonly Component Etcd = new("etcd", "etcd",
        _ => ["etcd-server", "etcd-client"],
        [
            new("etcd.env.sbn", "/etc/default/etcd", "0644", "root", "root", FileEffect.Restart),
            RecoveryDropIn("etcd"),
            // how the member joins (a new cluster, or a running one it was added to) is decided when it first starts
            new("etcd-join.conf.sbn", "/etc/systemd/system/etcd.service.d/40-hastack-join.conf", "0644", "root", "root", FileEffect.None),
            TlsKeyCopy(EtcdKeyPath, "etcd", FileEffect.None),
        ],
        [new("etcd.clientPort", c => c.Etcd.ClientPort), new("etcd.peerPort", c => c.Etcd.PeerPort)],
        (c, _) => new ReadinessProbe(c.Tls.Enabled ? ProbeKind.EtcdHealthTls : ProbeKind.EtcdHealth, $"{c.Etcd.ClientPort}", 90),
        c => [EtcdDataDirectory(c)],
        ["etcd"],
        // Debian's on-abnormal leaves a member that exited with an error down: the quorum is one failure from lost
        new("always", 1, "a member that stops for any reason rejoins, so the quorum keeps its margin"))
    {
        Wiring = Graph.EtcdGraph.Service,
        Model = Rendering.EtcdModel.Of,
    };
}
