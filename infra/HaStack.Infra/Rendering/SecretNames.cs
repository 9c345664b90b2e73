namespace HaStack.Infra.Rendering;

/// <summary>
/// The name of every secret, said once: the templates name them in their secret tokens (a test checks that each
/// one they name is here), the code reads and stores them by these constants. The certificates' are in
/// <see cref="Tls.TlsSecrets"/>.
/// </summary>
internal static class SecretNames
{
    /// <summary>The postgres superuser's password: HaStack's own SQL and the failover proof log in with it.</summary>
    public const string PostgresSuperuser = "postgres-superuser";

    public const string Replication = "replication";
    public const string Rewind = "rewind";
    public const string PgBouncerAuth = "pgbouncer-auth";

    /// <summary>Patroni's REST API's password, for the calls that change the cluster (switchover, PUT /config).</summary>
    public const string PatroniRest = "patroni-rest";

    /// <summary>VRRPv2's auth_type PASS password, from the stack file (never generated).</summary>
    public const string VrrpAuth = "vrrp-auth";

    /// <summary>The secrets HaStack generates once per stack and keeps in state.</summary>
    public static readonly IReadOnlyList<string> Generated = [PostgresSuperuser, Replication, Rewind, PgBouncerAuth, PatroniRest];

    /// <summary>An application user's password (given in the stack file, or generated when left out).</summary>
    public static string User(string user) => $"user-{user.Replace('_', '-')}";
}
