using System.Globalization;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>A recorded or desired input that does not have the shape its resource type allows.</summary>
internal sealed class InvalidInputException(string key, string problem) : Exception($"input '{key}': {problem}")
{
    public string Key { get; } = key;
}

/// <summary>
/// A resource's inputs as a type: everything its create, update, delete and read-back need, so a resource can be
/// deleted from what it recorded. The string map (<see cref="ToInputs"/>) is what state keeps and hashes; each type's
/// <c>Parse</c> reads it back and checks every value like user input: state on disk is not trusted.
/// </summary>
internal abstract record ResourceInputs
{
    public abstract IReadOnlyDictionary<string, string> ToInputs();

    internal static SortedDictionary<string, string> Map(params (string Key, string Value)[] pairs)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
            map[key] = value;
        return map;
    }

    internal static string Required(IReadOnlyDictionary<string, string> inputs, string key) =>
        inputs.TryGetValue(key, out var value) ? value : throw new InvalidInputException(key, "is missing");

    internal static string Matching(IReadOnlyDictionary<string, string> inputs, string key, System.Text.RegularExpressions.Regex shape, string what)
    {
        var value = Required(inputs, key);
        return shape.IsMatch(value) ? value : throw new InvalidInputException(key, $"'{TextRules.Printable(value)}' is not {what}");
    }

    internal static int Whole(IReadOnlyDictionary<string, string> inputs, string key, int min, int max)
    {
        var value = Required(inputs, key);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw new InvalidInputException(key, $"'{TextRules.Printable(value)}' is not a whole number in {min}-{max}");
    }

    internal static void OnlyKeys(IReadOnlyDictionary<string, string> inputs, Func<string, bool> known)
    {
        var unknown = inputs.Keys.FirstOrDefault(k => !known(k));
        if (unknown is not null)
            throw new InvalidInputException(TextRules.Printable(unknown), "is not an input of this resource type");
    }
}

/// <summary>A file on a host. <see cref="CheckAsAgentConfig"/>: the content, secrets filled in, must load in the agent's own reader before it is written.</summary>
internal sealed record FileInputs(string Path, string Mode, string Owner, string Group, string Content, bool CheckAsAgentConfig) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs()
    {
        var map = Map(("path", Path), ("mode", Mode), ("owner", Owner), ("group", Group), ("content", Content));
        if (CheckAsAgentConfig)
            map["check"] = "agent-config";
        return map;
    }

    public static FileInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "path" or "mode" or "owner" or "group" or "content" or "check");
        var check = inputs.GetValueOrDefault("check");
        if (check is not (null or "agent-config"))
            throw new InvalidInputException("check", $"'{TextRules.Printable(check)}' is not a known check");
        return new FileInputs(Matching(inputs, "path", Names.AbsolutePath(), "an absolute path of plain segments"),
            Matching(inputs, "mode", Names.FileMode(), "an octal file mode"), Matching(inputs, "owner", Names.UnixUser(), "a user name"),
            Matching(inputs, "group", Names.UnixUser(), "a group name"), Required(inputs, "content"), check is not null);
    }
}

internal sealed record PackagesInputs(IReadOnlyList<string> Packages) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("packages", string.Join(" ", Packages)));

    public static PackagesInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k == "packages");
        var packages = Required(inputs, "packages").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var bad = packages.FirstOrDefault(p => !Names.Package().IsMatch(p));
        return bad is null ? new PackagesInputs(packages) : throw new InvalidInputException("packages", $"'{TextRules.Printable(bad)}' is not a Debian package name");
    }
}

/// <summary>The agent's native binary; <see cref="Sha256"/> is null when no build was at hand (preview without one).</summary>
internal sealed record AgentBinaryInputs(string Path, string Mode, string? Sha256) : ResourceInputs
{
    public const string NotBuilt = "not built";

    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("path", Path), ("mode", Mode), ("sha256", Sha256 ?? NotBuilt));

    public static AgentBinaryInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "path" or "mode" or "sha256");
        var sha = Required(inputs, "sha256");
        if (sha != NotBuilt && !Names.Sha256Hex().IsMatch(sha))
            throw new InvalidInputException("sha256", $"'{TextRules.Printable(sha)}' is not a SHA-256 in hex");
        return new AgentBinaryInputs(Matching(inputs, "path", Names.AbsolutePath(), "an absolute path of plain segments"),
            Matching(inputs, "mode", Names.FileMode(), "an octal file mode"), sha == NotBuilt ? null : sha);
    }
}

/// <summary>A generated password's recipe; its value lives encrypted in state's secrets, never in inputs.</summary>
internal sealed record PasswordInputs(int Length) : ResourceInputs
{
    public const string Alphanumeric = "alphanumeric";

    public override IReadOnlyDictionary<string, string> ToInputs() =>
        Map(("length", Length.ToString(CultureInfo.InvariantCulture)), ("alphabet", Alphanumeric));

    public static PasswordInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "length" or "alphabet");
        if (Required(inputs, "alphabet") != Alphanumeric)
            throw new InvalidInputException("alphabet", "must be alphanumeric");
        return new PasswordInputs(Whole(inputs, "length", 16, 128));
    }
}

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

internal sealed record VerificationInputs(bool Enabled, int VipMoveTimeoutSeconds, int SqlTimeoutSeconds) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("enabled", Enabled ? "true" : "false"),
        ("vipMoveTimeoutSeconds", VipMoveTimeoutSeconds.ToString(CultureInfo.InvariantCulture)), ("sqlTimeoutSeconds", SqlTimeoutSeconds.ToString(CultureInfo.InvariantCulture)));

    public static VerificationInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "enabled" or "vipMoveTimeoutSeconds" or "sqlTimeoutSeconds");
        var enabled = Required(inputs, "enabled");
        if (enabled is not ("true" or "false"))
            throw new InvalidInputException("enabled", $"'{TextRules.Printable(enabled)}' is not true or false");
        return new VerificationInputs(enabled == "true", Whole(inputs, "vipMoveTimeoutSeconds", 1, 100_000), Whole(inputs, "sqlTimeoutSeconds", 1, 100_000));
    }
}
