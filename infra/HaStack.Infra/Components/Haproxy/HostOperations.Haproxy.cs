using System.Globalization;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>HAProxy's servers as its stats listener reports them.</summary>
internal static partial class HostOperations
{
    /// <summary>
    /// HAProxy's statistics as CSV, from its stats listener on loopback; bash's /dev/tcp (not sh's: scripts run
    /// under sh), as a proxy host may have no HTTP client. Bounded: the connection is local and the read ends after 5 s.
    /// </summary>
    public static HostScript HaproxyStats(int statsPort) =>
        new("reading HAProxy's servers", "bash -c " + Quote($"exec 3<>/dev/tcp/127.0.0.1/{statsPort.ToString(CultureInfo.InvariantCulture)} || exit 1\n" +
            "printf 'GET /;csv HTTP/1.0\\r\\n\\r\\n' >&3\ntimeout 5 cat <&3"), TimeoutSeconds: 15) { Kind = HostOperationKind.HaproxyServers };
}
