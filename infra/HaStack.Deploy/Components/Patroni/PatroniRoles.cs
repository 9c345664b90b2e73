namespace HaStack.Deploy.Verification;

/// <summary>The role words Patroni's /cluster uses, across the versions HaStack deploys (3.0 on Debian 12, 4.0 on 13).</summary>
internal static class PatroniRoles
{
    /// <summary>The member holding the leader lock: "leader" in /cluster; "master" before Patroni 4, "primary" since, elsewhere.</summary>
    public static bool IsLeader(string role) => role is "leader" or "master" or "primary";

    /// <summary>A standby the primary waits for: named in /sync (sync_standby), or in its quorum under Patroni 4's quorum commit.</summary>
    public static bool IsSynchronous(string role) => role is "sync_standby" or "quorum_standby";
}
