using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Tls component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    /// <summary>
    /// Every host: the cluster's CA certificate and the host's own certificate and key (the key root's: what HaStack's
    /// own commands, etcdctl among them, present), in place before the services that read them. A service that runs as
    /// another user reads a copy of the key of its own (<see cref="TlsKeyCopy"/>).
    /// </summary>
    public static readonly Component Tls = new("tls", null, None,
        [
            new("tls-ca.crt.sbn", TlsCaPath, "0644", "root", "root", FileEffect.None),
            new("tls-host.crt.sbn", TlsCertificatePath, "0644", "root", "root", FileEffect.None),
            new("tls-host.key.sbn", TlsKeyPath, "0600", "root", "root", FileEffect.None),
        ],
        [], null, None, [])
    {
        BeforeHosts = Graph.TlsGraph.Issue,
        ReadByEveryService = UsesTls,
    };

    public const string TlsDirectory = "/etc/hastack/tls/";

    public const string TlsCaPath = TlsDirectory + "ca.crt";

    public const string TlsCertificatePath = TlsDirectory + "host.crt";

    public const string TlsKeyPath = TlsDirectory + "host.key";
}
