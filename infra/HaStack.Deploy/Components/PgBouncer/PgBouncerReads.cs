using HaStack.Deploy.Remote;
using HaStack.Deploy.Status;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Reads;

/// <summary>PgBouncer as HaStack reads it: its admin console over the local socket.</summary>
internal static class PgBouncerReads
{
    /// <summary>The pools on <paramref name="host"/> (SHOW POOLS; the admin database's own left out).</summary>
    public static HostRead<IReadOnlyList<PoolView>> Pools(string host, int port) => new(HostOperations.PgBouncerPools(port), tsv => StatusParsers.Pools(host, tsv));
}
