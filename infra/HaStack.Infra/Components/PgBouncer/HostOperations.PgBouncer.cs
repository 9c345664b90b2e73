using System.Globalization;
using HaStack.Infra.Catalogue;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>PgBouncer's admin console: its pools, and PAUSE/RESUME around a switchover.</summary>
internal static partial class HostOperations
{
    /// <summary>PgBouncer's SHOW POOLS through its admin console, tab-separated with a header line (columns differ between versions).</summary>
    public static HostScript PgBouncerPools(int port) =>
        new("reading PgBouncer's pools", $"timeout 5 runuser -u postgres -- psql -X -q -A -F '\t' -P footer=off -h {Quote(Components.PostgresSocketDirectory)} " +
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -U pgbouncer -d pgbouncer -c 'SHOW POOLS'", TimeoutSeconds: 15);

    /// <summary>
    /// PgBouncer's admin console over its unix socket as the OS user it runs as (PgBouncer lets that user in as
    /// "pgbouncer" without a password). PAUSE returns once every server connection is released, so it is bounded.
    /// </summary>
    public static HostScript PgBouncerAdmin(string command, int port, int seconds = 15) => command is "PAUSE" or "RESUME"
        ? new($"PgBouncer {command}", $"timeout {seconds.ToString(CultureInfo.InvariantCulture)} runuser -u postgres -- psql -X -q -h {Quote(Components.PostgresSocketDirectory)} " +
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -U pgbouncer -d pgbouncer -c {Quote(command)}", TimeoutSeconds: seconds + 10)
        {
            Kind = command == "PAUSE" ? HostOperationKind.PgBouncerPause : HostOperationKind.PgBouncerResume,
        }
        : throw new ArgumentOutOfRangeException(nameof(command));
}
