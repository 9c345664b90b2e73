using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Infra.Config;

namespace HaStack.Infra.Topology;

/// <summary>
/// One setting of Patroni's dynamic configuration (the one Patroni keeps in etcd): its path, segments joined by
/// '/' (a parameter's name may hold a dot), and its value as JSON.
/// </summary>
internal sealed record DcsSetting(string Path, string Json)
{
    public const char Separator = '/';

    /// <summary>The last segment: the key as Patroni's YAML and JSON name it.</summary>
    public string Key => Path[(Path.LastIndexOf(Separator) + 1)..];

    /// <summary>The segments before the key ("" at the top, "postgresql", "postgresql/parameters").</summary>
    public string Section => Path.Contains(Separator, StringComparison.Ordinal) ? Path[..Path.LastIndexOf(Separator)] : "";
}

/// <summary>
/// Everything HaStack derives for Patroni's dynamic configuration, said once: patroni.yml's bootstrap section is
/// rendered from it (Patroni reads that only when it creates the cluster), and the cluster's PatroniConfig resource
/// writes the same settings to the running cluster (PUT /config) and reads them back for drift.
/// </summary>
internal static class PatroniDynamicConfig
{
    public const string PostgresqlSection = "postgresql";
    public const string ParametersSection = "postgresql/parameters";

    /// <summary>PostgreSQL settings every HaStack cluster runs with; the stack's postgres.parameters come on top.</summary>
    private static readonly (string Name, object Value)[] BaseParameters =
    [
        ("password_encryption", "scram-sha-256"),
        ("wal_level", "replica"),
        ("hot_standby", "on"),
        ("wal_log_hints", "on"),
        ("max_wal_senders", 10),
        ("max_replication_slots", 10),
        ("wal_keep_size", "256MB"),
        // a standby that vanishes without a word (power, network) holds every synchronous commit until its walsender
        // gives it up and Patroni names another: PostgreSQL's default 60 s would be that long a write stall
        ("wal_sender_timeout", "5s"),
        // after a failover each replica streams from the new primary at its next retry: PostgreSQL's 5 s default kept a
        // synchronous standby (and, on Patroni 3.0, any promotable one) away that long; 1 s costs one connect a second
        ("wal_retrieve_retry_interval", "1s"),
    ];

    /// <summary>The settings in path order.</summary>
    public static IReadOnlyList<DcsSetting> Of(StackConfig config)
    {
        var p = config.Patroni;
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ttl"] = Number(p.Ttl),
            ["loop_wait"] = Number(p.LoopWait),
            ["retry_timeout"] = Number(p.RetryTimeout),
            ["maximum_lag_on_failover"] = Number(p.MaximumLagOnFailover),
            ["primary_start_timeout"] = Number(p.PrimaryStartTimeout),
            ["synchronous_mode"] = SynchronousModeValue(config),
            ["synchronous_mode_strict"] = Bool(config.Postgres.SynchronousMode == SynchronousMode.Strict),
            // keeps the primary writable through an etcd outage as long as it reaches every other member
            ["failsafe_mode"] = Bool(true),
            [$"{PostgresqlSection}/use_pg_rewind"] = Bool(true),
            [$"{PostgresqlSection}/use_slots"] = Bool(true),
        };
        foreach (var (name, value) in BaseParameters)
            settings[$"{ParametersSection}/{name}"] = value is int n ? Number(n) : JsonSerializer.Serialize((string)value);
        // the stack's own, as strings (PostgreSQL reads every setting from text); PostgreSQL folds names to lower case
        foreach (var (name, value) in config.Postgres.Parameters)
            settings[$"{ParametersSection}/{name.ToLowerInvariant()}"] = JsonSerializer.Serialize(value);
        return settings.Select(kv => new DcsSetting(kv.Key, kv.Value)).ToList();
    }

    /// <summary>
    /// On a release with Patroni 4, quorum commit: every commit waits for one standby of the quorum, as before, and any
    /// of them may be promoted, so a primary lost before one standby is named synchronous is still replaced.
    /// </summary>
    private static string SynchronousModeValue(StackConfig config) => config.Postgres.SynchronousMode switch
    {
        SynchronousMode.Off => Bool(false),
        _ when config.Release.PatroniQuorumCommit => JsonSerializer.Serialize("quorum"),
        _ => Bool(true),
    };

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";

    /// <summary>The settings as the nested JSON object Patroni's REST API takes and gives.</summary>
    public static string ToJson(IReadOnlyList<DcsSetting> settings)
    {
        var root = new JsonObject();
        foreach (var setting in settings)
        {
            var node = root;
            var segments = setting.Path.Split(DcsSetting.Separator);
            foreach (var segment in segments[..^1])
                node = node[segment] as JsonObject ?? (JsonObject)(node[segment] = new JsonObject());
            node[segments[^1]] = JsonNode.Parse(setting.Json);
        }
        return root.ToJsonString();
    }

    /// <summary>
    /// A JSON object as Patroni's GET /config gives it, flattened into settings (objects become sections, every other
    /// value a setting as its compact JSON), in path order; <see cref="JsonException"/> when it is not an object.
    /// </summary>
    public static IReadOnlyList<DcsSetting> Flatten(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not a JSON object");
        var settings = new List<DcsSetting>();
        void Walk(JsonObject node, string prefix)
        {
            foreach (var (key, value) in node)
            {
                var path = prefix.Length == 0 ? key : $"{prefix}{DcsSetting.Separator}{key}";
                if (value is JsonObject inner)
                    Walk(inner, path);
                else
                    settings.Add(new DcsSetting(path, value?.ToJsonString() ?? "null"));
            }
        }
        Walk(root, "");
        return settings.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// How the running cluster's settings differ from the wanted ones, one line each (empty: they do not). Values are
    /// compared as JSON, and a number given as a string ("100" for 100) counts as the same: PostgreSQL reads both alike.
    /// </summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<DcsSetting> wanted, IReadOnlyList<DcsSetting> running)
    {
        var have = running.ToDictionary(s => s.Path, s => s.Json, StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var setting in wanted)
        {
            if (!have.Remove(setting.Path, out var actual))
                lines.Add($"{setting.Path}: missing (want {setting.Json})");
            else if (!SameValue(setting.Json, actual))
                lines.Add($"{setting.Path}: {actual} (want {setting.Json})");
        }
        lines.AddRange(have.Select(kv => $"{kv.Key}: {kv.Value} (not in the stack)"));
        return lines;
    }

    private static bool SameValue(string a, string b) => a == b || Scalar(a) == Scalar(b);

    private static string Scalar(string json) => JsonNode.Parse(json) is JsonValue v && v.TryGetValue<string>(out var s) ? s : JsonNode.Parse(json)?.ToJsonString() ?? "null";
}
