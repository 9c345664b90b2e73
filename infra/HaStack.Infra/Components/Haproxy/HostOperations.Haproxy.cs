using System.Globalization;

namespace HaStack.Infra.Operations;

/// <summary>HAProxy's servers as its stats listener reports them.</summary>
internal static partial class HostOperations
{
    /// <summary>HAProxy's statistics as CSV, from its stats listener on loopback, through the host-side HTTP call.</summary>
    public static HostScript HaproxyStats(int statsPort) =>
        Http("reading HAProxy's servers", HttpCall.Get($"http://127.0.0.1:{statsPort.ToString(CultureInfo.InvariantCulture)}/;csv", timeoutSeconds: 5)) with { Kind = HostOperationKind.HaproxyServers };
}
