using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The PgBouncer component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    public const string PgBouncerKeyPath = TlsDirectory + "pgbouncer.key";

    public static readonly Component PgBouncer = new("pgbouncer", "pgbouncer",
        // psql for the admin console (a switchover's PAUSE): a database host has it already, a proxy host does not
        c => c.PgBouncer.Placement == PoolerPlacement.Proxy ? ["pgbouncer", $"postgresql-client-{c.PostgresVersion}"] : ["pgbouncer"],
        [
            new("pgbouncer.ini.sbn", "/etc/pgbouncer/pgbouncer.ini", "0640", "postgres", "postgres", FileEffect.Reload),
            new("pgbouncer-userlist.txt.sbn", PgBouncerUserlistPath, "0600", "postgres", "postgres", FileEffect.Reload),
            // its own copy: PgBouncer may sit on a proxy host, where no PostgreSQL's is
            TlsKeyCopy(PgBouncerKeyPath, "postgres", FileEffect.Reload),
            RecoveryDropIn("pgbouncer"),
        ],
        [new("pgbouncer.port", c => c.PgBouncer.Port)],
        (c, _) => new ReadinessProbe(ProbeKind.TcpListen, $"{c.PgBouncer.Port}", 30),
        None,
        ["pgbouncer"],
        // Debian ships Restart=no: one crash of the primary's PgBouncer cut every write until someone noticed
        new("always", 0.5, "a PgBouncer that dies is back before clients give up on it"))
    {
        Model = Rendering.PgBouncerModel.Of,
    };

    public const string PgBouncerUserlistPath = "/etc/pgbouncer/userlist.txt";
}
