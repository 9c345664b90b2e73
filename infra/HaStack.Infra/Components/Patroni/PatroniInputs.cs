using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// A database host's Patroni REST API, as the SQL setup and Patroni's configuration record it (the primary among them
/// runs the setup): its address and port, over https when the stack has TLS.
/// </summary>
internal sealed record SqlTarget(string Host, string Address, int RestPort, bool Tls = false)
{
    public static SqlTarget Of(StackConfig config, HostConfig host) => new(host.Name, host.Address, config.Patroni.RestPort, config.Tls.Enabled);

    /// <summary>The URL of <paramref name="path"/> (such as /primary) on this Patroni.</summary>
    public string Url(string path) => $"{TlsSettings.UrlScheme(Tls)}://{Address}:{RestPort.ToString(CultureInfo.InvariantCulture)}{path}";
}

internal sealed record SqlSetupInputs(string Script, IReadOnlyList<SqlTarget> Targets) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("script", Script), ("targets", TargetsJson(Targets)));

    public static SqlSetupInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "script", "targets");
        return new SqlSetupInputs(Text(inputs, "script"), ParseTargets(inputs, "targets"));
    }

    /// <summary>The database hosts' Patroni REST endpoints as state records them: each host, its address and port, and whether it speaks https.</summary>
    internal static JsonArray TargetsJson(IReadOnlyList<SqlTarget> targets) =>
        new([.. targets.Select(t => (JsonNode)Json(("host", t.Host), ("address", t.Address), ("port", t.RestPort), ("tls", t.Tls)))]);

    internal static List<SqlTarget> ParseTargets(JsonObject inputs, string key)
    {
        var targets = new List<SqlTarget>();
        foreach (var node in List(inputs, key, StackValidator.MaxHosts))
        {
            targets.Add(Within(key, () =>
            {
                var target = ObjectOf(node ?? throw new InvalidInputException(key, "holds null"), key);
                OnlyKeys(target, "host", "address", "port", "tls");
                var address = Text(target, "address");
                if (!StackValidator.IsIpv4(address))
                    throw new InvalidInputException("address", $"'{TextRules.Printable(address)}' is not an IPv4 address");
                return new SqlTarget(Matching(target, "host", Names.HostName(), "a host name"), address, Whole(target, "port", 1, 65535), Flag(target, "tls"));
            }));
        }
        return targets;
    }
}

/// <summary>
/// Patroni's dynamic configuration for the whole cluster: written through any database host's REST API (the
/// targets), which stores it in etcd for every member. Its settings are a map by path, so a preview's diff names each
/// setting that changes (<c>settings[postgresql/parameters/work_mem]</c>).
/// </summary>
internal sealed record PatroniConfigInputs(IReadOnlyList<DcsSetting> Settings, IReadOnlyList<SqlTarget> Targets) : ResourceInputs
{
    /// <summary>The secret that authenticates a write of the configuration (Patroni's REST API user).</summary>
    public const string RestSecret = SecretNames.PatroniRest;

    /// <summary>The REST password as a token (state never holds its value): the first line of the write's standard input.</summary>
    public static readonly string PasswordToken = SecretTokens.Token(RestSecret, SecretEncoding.Raw);

    public override JsonObject ToJson() => Json(("targets", SqlSetupInputs.TargetsJson(Targets)), ("password", PasswordToken), ("settings", SettingsJson(Settings)));

    public static PatroniConfigInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "targets", "password", "settings");
        if (Text(inputs, "password") != PasswordToken)
            throw new InvalidInputException("password", $"is not {PasswordToken}");
        return new PatroniConfigInputs(ParseSettings(inputs), SqlSetupInputs.ParseTargets(inputs, "targets"));
    }

    /// <summary>One member per setting, by its path, so a preview's diff names each setting that changes.</summary>
    internal static JsonObject SettingsJson(IReadOnlyList<DcsSetting> settings)
    {
        var json = new JsonObject();
        foreach (var setting in settings)
            json[setting.Path] = JsonNode.Parse(setting.Json);
        return json;
    }

    /// <summary>The <c>settings</c> object, each path and value checked: a value is a JSON number, string or true/false.</summary>
    internal static List<DcsSetting> ParseSettings(JsonObject inputs)
    {
        var settings = new List<DcsSetting>();
        foreach (var (path, value) in ObjectOf(Required(inputs, "settings"), "settings").OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var key = $"settings[{TextRules.Printable(path)}]";
            if (path.Split(DcsSetting.Separator).Any(s => !StackValidator.IsParameterName(s)))
                throw new InvalidInputException(key, "is not a Patroni setting's path");
            if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False))
                throw new InvalidInputException(key, $"'{TextRules.Printable(value is null ? "null" : CanonicalJson.Text(value))}' is not a JSON number, string or true/false");
            settings.Add(new DcsSetting(path, CanonicalJson.Text(scalar)));
        }
        return settings;
    }
}

/// <summary>
/// The database members that leave the stack (or their db role), with the REST address each was reached at: if one
/// of them holds the primary when the step runs, a member that stays takes over first.
/// </summary>
internal sealed record HandoverInputs(IReadOnlyList<SqlTarget> Leaving) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("leaving", SqlSetupInputs.TargetsJson(Leaving)));

    public static HandoverInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "leaving");
        return new HandoverInputs(SqlSetupInputs.ParseTargets(inputs, "leaving"));
    }
}

/// <summary>
/// The PostgreSQL settings of Patroni's dynamic configuration that take effect only at a restart
/// (<see cref="PostgresRestartSettings"/>), in the same map by path: when one changes, the members
/// waiting for a restart restart in turn. Recorded like any resource, so a restart that failed is rolled by the next up.
/// </summary>
internal sealed record RollingRestartInputs(IReadOnlyList<DcsSetting> Settings) : ResourceInputs
{
    /// <summary>The restart-only parameters among <paramref name="dynamicConfig"/>.</summary>
    public static RollingRestartInputs Of(IReadOnlyList<DcsSetting> dynamicConfig)
    {
        var prefix = PatroniDynamicConfig.ParametersSection + DcsSetting.Separator;
        return new RollingRestartInputs(dynamicConfig
            .Where(s => s.Path.StartsWith(prefix, StringComparison.Ordinal) && PostgresRestartSettings.Names.Contains(s.Path[prefix.Length..])).ToList());
    }

    public override JsonObject ToJson() => Json(("settings", PatroniConfigInputs.SettingsJson(Settings)));

    public static RollingRestartInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "settings");
        var settings = PatroniConfigInputs.ParseSettings(inputs);
        var parsed = Of(settings);
        return parsed.Settings.Count == settings.Count ? parsed
            : throw new InvalidInputException("settings", "names a setting PostgreSQL takes without a restart");
    }
}
