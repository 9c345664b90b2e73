namespace HaStack.Infra.Config;

/// <summary>
/// Names HaStack writes unquoted into SQL, pg_hba and PgBouncer's config that those read as something else: a
/// reserved word of PostgreSQL's grammar (<c>CREATE ROLE select</c> does not parse), or a keyword of pg_hba or
/// PgBouncer (a database named <c>all</c> would open a line to every database; <c>pgbouncer</c> is its admin console).
/// </summary>
internal static class SqlKeywords
{
    /// <summary>
    /// PostgreSQL's reserved words and those reserved but usable as function or type names (<c>pg_get_keywords()</c>,
    /// catcode R and T, on 15; system_user from 16): neither may be a role or database name unquoted.
    /// </summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case", "cast", "check",
        "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
        "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
        "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not",
        "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right",
        "select", "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union",
        "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with",
    };

    /// <summary>Role names PostgreSQL refuses in CREATE ROLE, and pg_hba's words for "any" in its user column.</summary>
    private static readonly HashSet<string> RoleWords = new(StringComparer.Ordinal) { "none", "public", "sameuser", "samerole", "samegroup" };

    /// <summary>pg_hba's words in its database column, and PgBouncer's admin console.</summary>
    private static readonly HashSet<string> DatabaseWords = new(StringComparer.Ordinal) { "sameuser", "samerole", "samegroup", "replication", "pgbouncer" };

    /// <summary>Why <paramref name="name"/> cannot be a role HaStack creates, or null.</summary>
    public static string? RoleProblem(string name) =>
        Reserved.Contains(name) ? "is a reserved word of PostgreSQL's SQL, which HaStack writes role names into unquoted"
        : RoleWords.Contains(name) ? "is a word PostgreSQL or pg_hba reads as something other than a role"
        : null;

    /// <summary>Why <paramref name="name"/> cannot be a database HaStack creates, or null.</summary>
    public static string? DatabaseProblem(string name) =>
        Reserved.Contains(name) ? "is a reserved word of PostgreSQL's SQL, which HaStack writes database names into unquoted"
        : name == "pgbouncer" ? "is PgBouncer's admin console: clients asking for it would reach the pooler's console, not a database"
        : DatabaseWords.Contains(name) ? "is a word pg_hba reads as something other than a database"
        : null;
}
