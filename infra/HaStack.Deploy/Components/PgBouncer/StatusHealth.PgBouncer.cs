namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    private static void PgBouncer(StackStatus status, List<string> notes)
    {
        // PgBouncer: clients waiting for a server connection for seconds is a pool too small or a server not there
        foreach (var pool in status.Pools.Where(p => p.ClientsWaiting > 0 && p.MaxWaitSeconds >= 5))
            notes.Add($"PgBouncer on {pool.Host}: {pool.ClientsWaiting} client(s) of {pool.Database}/{pool.User} waiting, the longest {pool.MaxWaitSeconds} s");
    }
}
