using System.Globalization;
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
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("script", Script), ("targets", TargetsText(Targets)));

    public static SqlSetupInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "script" or "targets");
        return new SqlSetupInputs(Required(inputs, "script"), ParseTargets(Required(inputs, "targets")));
    }

    /// <summary>
    /// The database hosts' Patroni REST endpoints as state records them: HOST=ADDRESS:PORT (plain HTTP, as stacks
    /// before TLS recorded them) or HOST=https://ADDRESS:PORT, space-separated.
    /// </summary>
    internal static string TargetsText(IReadOnlyList<SqlTarget> targets) =>
        string.Join(" ", targets.Select(t => $"{t.Host}={(t.Tls ? HttpsPrefix : "")}{t.Address}:{t.RestPort.ToString(CultureInfo.InvariantCulture)}"));

    private const string HttpsPrefix = "https://";

    internal static List<SqlTarget> ParseTargets(string text)
    {
        var targets = new List<SqlTarget>();
        foreach (var item in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var colon = item.LastIndexOf(':');
            var tls = eq > 0 && string.CompareOrdinal(item, eq + 1, HttpsPrefix, 0, HttpsPrefix.Length) == 0;
            var start = eq + 1 + (tls ? HttpsPrefix.Length : 0);
            if (eq <= 0 || colon < start || !Names.HostName().IsMatch(item[..eq]) || !StackValidator.IsIpv4(item[start..colon]) || !ServiceInputs.IsPort(item[(colon + 1)..]))
                throw new InvalidInputException("targets", $"'{TextRules.Printable(item)}' is not HOST=ADDRESS:PORT or HOST=https://ADDRESS:PORT");
            targets.Add(new SqlTarget(item[..eq], item[start..colon], int.Parse(item[(colon + 1)..], CultureInfo.InvariantCulture), tls));
        }
        return targets;
    }
}

/// <summary>
/// Patroni's dynamic configuration for the whole cluster: written through any database host's REST API (the
/// targets), which stores it in etcd for every member. One input per setting ("setting:PATH" = its JSON), so a
/// preview's diff names each setting that changes.
/// </summary>
internal sealed record PatroniConfigInputs(IReadOnlyList<DcsSetting> Settings, IReadOnlyList<SqlTarget> Targets) : ResourceInputs
{
    public const string SettingPrefix = "setting:";

    /// <summary>The secret that authenticates a write of the configuration (Patroni's REST API user).</summary>
    public const string RestSecret = SecretNames.PatroniRest;

    /// <summary>The REST password as a token (state never holds its value): the first line of the write's standard input.</summary>
    public static readonly string PasswordToken = SecretTokens.Token(RestSecret, SecretEncoding.Raw);

    public override IReadOnlyDictionary<string, string> ToInputs()
    {
        var map = Map(("targets", SqlSetupInputs.TargetsText(Targets)), ("password", PasswordToken));
        foreach (var setting in Settings)
            map[SettingPrefix + setting.Path] = setting.Json;
        return map;
    }

    public static PatroniConfigInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "targets" or "password" || k.StartsWith(SettingPrefix, StringComparison.Ordinal));
        if (Required(inputs, "password") != PasswordToken)
            throw new InvalidInputException("password", $"is not {PasswordToken}");
        return new PatroniConfigInputs(ParseSettings(inputs), SqlSetupInputs.ParseTargets(Required(inputs, "targets")));
    }

    /// <summary>The <c>setting:PATH</c> inputs, each path and JSON value checked.</summary>
    internal static List<DcsSetting> ParseSettings(IReadOnlyDictionary<string, string> inputs)
    {
        var settings = new List<DcsSetting>();
        foreach (var (key, json) in inputs.Where(kv => kv.Key.StartsWith(SettingPrefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var path = key[SettingPrefix.Length..];
            var segments = path.Split(DcsSetting.Separator);
            if (segments.Any(s => !StackValidator.IsParameterName(s)))
                throw new InvalidInputException(TextRules.Printable(key), "is not a Patroni setting's path");
            if (!IsJsonScalar(json))
                throw new InvalidInputException(TextRules.Printable(key), $"'{TextRules.Printable(json)}' is not a JSON number, string or true/false");
            settings.Add(new DcsSetting(path, json));
        }
        return settings;
    }

    private static bool IsJsonScalar(string json)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json) is System.Text.Json.Nodes.JsonValue value &&
                value.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String
                    or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

/// <summary>
/// The database members that leave the stack (or their db role), with the REST address each was reached at: if one
/// of them holds the primary when the step runs, a member that stays takes over first.
/// </summary>
internal sealed record HandoverInputs(IReadOnlyList<SqlTarget> Leaving) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("leaving", SqlSetupInputs.TargetsText(Leaving)));

    public static HandoverInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k == "leaving");
        return new HandoverInputs(SqlSetupInputs.ParseTargets(Required(inputs, "leaving")));
    }
}

/// <summary>
/// The PostgreSQL settings of Patroni's dynamic configuration that take effect only at a restart
/// (<see cref="PostgresRestartSettings"/>), under the same <c>setting:PATH</c> keys: when one changes, the members
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

    public override IReadOnlyDictionary<string, string> ToInputs()
    {
        var map = Map();
        foreach (var setting in Settings)
            map[PatroniConfigInputs.SettingPrefix + setting.Path] = setting.Json;
        return map;
    }

    public static RollingRestartInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k.StartsWith(PatroniConfigInputs.SettingPrefix, StringComparison.Ordinal));
        var settings = PatroniConfigInputs.ParseSettings(inputs);
        var parsed = Of(settings);
        return parsed.Settings.Count == settings.Count ? parsed
            : throw new InvalidInputException("setting", "names a setting PostgreSQL takes without a restart");
    }
}
