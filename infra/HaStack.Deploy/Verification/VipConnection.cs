using Npgsql;

namespace HaStack.Deploy.Verification;

/// <summary>How HaStack's own clients (the failover proof, the fault matrix's writer) connect through the VIP.</summary>
internal static class VipConnection
{
    /// <summary>
    /// The superuser on database postgres, a new physical connection each time (no pool hides a reconnect), and no
    /// GSS encryption: Npgsql's default asks the machine's Kerberos library first, and on a host with libgssapi_krb5 but
    /// no Kerberos that probe alone stalled some connects 5.0 s in bursts of reconnects after a fault (most likely also
    /// the two 15 s connect timeouts the matrix once reported as hangs). Measured in HaStack's lab: 20 writers through 8
    /// postmaster kills on the database layer, none over 2.9 s without it; with it, most kills cost some writers 5.0 s.
    /// The matrix measures the path to the data, not the client's Kerberos setup.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Superuser(string host, int port, string password) => new()
    {
        Host = host,
        Port = port,
        Username = "postgres",
        Password = password,
        Database = "postgres",
        Pooling = false,
        GssEncryptionMode = GssEncryptionMode.Disable,
    };
}
