using System.Globalization;
using System.Text.RegularExpressions;

namespace HaStack.Infra.Config;

/// <summary>The rules of the postgres section: its settings, users and databases.</summary>
internal static partial class StackValidator
{
    /// <summary>Settings HaStack derives itself; set in postgres.parameters they would fight Patroni or the topology.</summary>
    private static readonly Dictionary<string, string> ManagedParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["port"] = "hastack:postgres.port",
        ["listen_addresses"] = "the hosts' addresses (HaStack listens on each host's address and localhost)",
        ["data_directory"] = "HaStack's data directory (/var/lib/postgresql/VERSION/main)",
        ["hba_file"] = "Patroni's pg_hba, which HaStack generates",
        ["ident_file"] = "Patroni's defaults",
        ["config_file"] = "Patroni's defaults",
        ["synchronous_standby_names"] = "hastack:postgres.synchronousMode (Patroni sets it)",
        ["hot_standby"] = "Patroni (replicas need it on)",
        // Patroni's local settings win over these: set here, they would be shown as applied and do nothing
        ["ssl"] = "hastack:tls.enabled (PostgreSQL takes TLS with the host's certificate)",
        ["ssl_cert_file"] = "hastack:tls (the host's certificate)",
        ["ssl_key_file"] = "hastack:tls (the host's key)",
        ["ssl_ca_file"] = "hastack:tls (the cluster's CA)",
        ["unix_socket_directories"] = "Debian's /var/run/postgresql, which HaStack's own commands and PgBouncer connect through",
        ["password_encryption"] = "HaStack (scram-sha-256: every pg_hba line HaStack writes accepts scram only, so md5 passwords could not log in)",
        // not settings: directives of postgresql.conf, which Patroni writes itself
        ["include"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
        ["include_dir"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
        ["include_if_exists"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
    };

    /// <summary>
    /// Settings that give up HaStack's promise that no acknowledged write is lost, and what each gives up: refused
    /// unless the stack says postgres.acceptDataLoss: true, and then warned about.
    /// </summary>
    private static string? DataLossOf(string name, string value, StackConfig config) => (name.ToLowerInvariant(), value.ToLowerInvariant()) switch
    {
        ("fsync", "off" or "false" or "0" or "no") => "a crash of the host can corrupt the data directory and lose acknowledged writes",
        ("full_page_writes", "off" or "false" or "0" or "no") => "a crash of the host can leave torn pages that recovery cannot repair",
        ("synchronous_commit", "off") => "a commit is acknowledged before it is on disk anywhere: a crash loses the last acknowledged writes",
        ("synchronous_commit", "local") when config.Postgres.SynchronousMode != SynchronousMode.Off =>
            "a commit is acknowledged before the synchronous standby has it: a failover loses acknowledged writes despite synchronousMode",
        _ => null,
    };

    /// <summary>Roles HaStack creates for itself; an application user may not take their names.</summary>
    public static readonly IReadOnlySet<string> ReservedRoles = new HashSet<string>(StringComparer.Ordinal)
    {
        "postgres", "replicator", "rewind_user", "pgbouncer_auth", "public",
    };

    /// <summary>The least a derived setting may be, and why: below it the cluster cannot replicate or serve.</summary>
    private static (long Minimum, string Why)? ParameterFloor(string name, StackConfig config) => name.ToLowerInvariant() switch
    {
        "max_wal_senders" => (config.HostsWith(HostRole.Db).Count(), "each replica streams through one sender, and a rewind or a backup takes another"),
        "max_replication_slots" => (config.HostsWith(HostRole.Db).Count(), "Patroni keeps a slot for each member"),
        "max_connections" => (20, "PostgreSQL reserves some for superusers, and Patroni, the replicas and PgBouncer's pools need the rest"),
        _ => null,
    };

    public const int MaxPatroniSeconds = 3600;

    private static void CheckPostgres(StackConfig config, Reporter error, Reporter warn)
    {
        var pg = config.Postgres;
        if (pg.Version is < MinPostgresVersion or > MaxPostgresVersion)
            error("postgres-version", "postgres.version", pg.Version, "is not a PostgreSQL major version HaStack deploys",
                "use 13-17, or remove it for the one the hosts' Debian ships (12: 15, 13: 17); others come from apt.postgresql.org");
        foreach (var (name, value) in pg.Parameters)
        {
            if (!ParameterNamePattern().IsMatch(name) || name.Length > 63)
                error("postgres-parameter-name", $"postgres.parameters.{name}", name, "is not a PostgreSQL setting name",
                    "write the name as SHOW lists it: letters, digits and '_' (an extension's as class.name), at most 63 characters");
            else if (ManagedParameters.TryGetValue(name.ToLowerInvariant(), out var owner))
                error("postgres-managed-parameter", $"postgres.parameters.{name}", name, "is set by HaStack itself", $"remove it; it comes from {owner}");
            else if (DataLossOf(name, value, config) is { } givenUp)
            {
                if (pg.AcceptDataLoss)
                    warn("postgres-data-loss", $"postgres.parameters.{name}", value, $"gives up HaStack's promise that no acknowledged write is lost: {givenUp}", "accepted because postgres.acceptDataLoss is true");
                else
                    error("postgres-data-loss", $"postgres.parameters.{name}", value, $"would lose acknowledged writes: {givenUp}",
                        "remove it; or, if this cluster's data may be lost, also set postgres.acceptDataLoss: true");
            }
            else if (ParameterFloor(name, config) is { } floor && !(long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= floor.Minimum))
                error("postgres-parameter-too-low", $"postgres.parameters.{name}", value, $"must be a whole number of at least {floor.Minimum}: {floor.Why}", $"use {floor.Minimum} or more, or remove it");
            else if (name.Equals("wal_level", StringComparison.OrdinalIgnoreCase) && value.Equals("minimal", StringComparison.OrdinalIgnoreCase))
                error("postgres-parameter-breaks-replication", $"postgres.parameters.{name}", value, "keeps no WAL for replicas: none could stream, and Patroni refuses it", "remove it (replica), or use logical");
            if (value.Length > 4096)
                error("postgres-parameter-value", $"postgres.parameters.{name}", value[..40] + "...", $"is {value.Length} characters long", "PostgreSQL settings are short; check the value");
        }
        if (pg.Users.Count > MaxUsers)
            error("too-many", "postgres.users", pg.Users.Count, $"lists more than {MaxUsers} users", "manage that many roles in the database itself, not in the stack file");
        if (pg.Databases.Count > MaxDatabases)
            error("too-many", "postgres.databases", pg.Databases.Count, $"lists more than {MaxDatabases} databases", "manage that many databases in the database itself, not in the stack file");
        if (pg.SynchronousMode == SynchronousMode.Strict && config.HostsWith(HostRole.Db).Count() == 2)
            warn("synchronous-strict-two-hosts", "postgres.synchronousMode", "strict",
                "with 2 database hosts stops every write while the replica is down", "use 3 database hosts, or synchronousMode: on");
        // the hosts say their release at preview and up (with the same warning); here only a release the stack names
        if (config.DeclaredRelease?.SynchronousPromotionGap is { } gap && pg.SynchronousMode != SynchronousMode.Off && config.HostsWith(HostRole.Db).Count() > 1)
            warn("synchronous-promotion-gap", "debianRelease", config.DeclaredRelease.Number, gap,
                "move the hosts to Debian 13, or accept it (synchronousMode: off trades it for losing acknowledged writes)");
        var users = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pg.Users.Count; i++)
        {
            var name = pg.Users[i].Name;
            if (name.Length == 0)
                continue;
            if (!Names.SqlIdentifier().IsMatch(name))
                error("role-name", $"postgres.users[{i}].name", name, "is not a plain PostgreSQL role name",
                    "use lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters");
            else if (ReservedRoles.Contains(name) || name.StartsWith("pg_", StringComparison.Ordinal))
                error("role-reserved", $"postgres.users[{i}].name", name, "is a role HaStack or PostgreSQL creates itself", "pick another name");
            else if (SqlKeywords.RoleProblem(name) is { } keyword)
                error("role-keyword", $"postgres.users[{i}].name", name, keyword, "pick another name (e.g. add a prefix: app_user)");
            if (!users.Add(name))
                error("duplicate-role", $"postgres.users[{i}].name", name, "is listed twice", "list each user once");
        }
        var databases = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pg.Databases.Count; i++)
        {
            var db = pg.Databases[i];
            if (db.Name.Length == 0)
                continue;
            if (!Names.SqlIdentifier().IsMatch(db.Name))
                error("database-name", $"postgres.databases[{i}].name", db.Name, "is not a plain PostgreSQL database name",
                    "use lower-case letters, digits and '_', starting with a letter or '_'");
            else if (db.Name is "postgres" or "template0" or "template1")
                error("database-reserved", $"postgres.databases[{i}].name", db.Name, "exists in every cluster already", "pick another name");
            else if (SqlKeywords.DatabaseProblem(db.Name) is { } keyword)
                error("database-keyword", $"postgres.databases[{i}].name", db.Name, keyword, "pick another name (e.g. add a prefix: app_db)");
            if (!databases.Add(db.Name))
                error("duplicate-database", $"postgres.databases[{i}].name", db.Name, "is listed twice", "list each database once");
            if (db.Owner != "postgres" && !pg.Users.Any(u => u.Name == db.Owner))
                error("database-owner-unknown", $"postgres.databases[{i}].owner", db.Owner, "is not one of hastack:postgres.users",
                    "add the user under postgres.users, or leave owner out (postgres)");
        }
    }

    /// <summary>Whether <paramref name="name"/> has the shape of a PostgreSQL setting's (or a Patroni key's) name.</summary>
    public static bool IsParameterName(string name) => name.Length <= 63 && ParameterNamePattern().IsMatch(name);

    /// <summary>A PostgreSQL setting's name: a word, or an extension's class.name; PostgreSQL folds case.</summary>
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?\z")]
    private static partial Regex ParameterNamePattern();
}
