using System.Globalization;
using HaStack.Infra.Catalogue;
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

/// <summary>What a change to something a service reads asks of it.</summary>
internal enum ServiceEffect
{
    /// <summary>Nothing on the host: only what HaStack records about the service changed (its probe, its data directories).</summary>
    None,
    Reload,
    Restart,
}

/// <summary>Something a service reads (a file, the agent binary), by its content hash and what a change to it asks.</summary>
internal sealed record ServiceRead(string Path, ServiceEffect Effect, string Hash);

/// <summary>
/// An etcd member's place in its cluster: its name and every member of the stack's cluster (itself included). The
/// member is added to a running cluster before its first start and removed from it before it stops, through the
/// other members; a change to the cluster asks nothing of a running member (etcd reads its peers once, at its first start).
/// </summary>
internal sealed record EtcdMembership(string Name, IReadOnlyList<EtcdMember> Cluster)
{
    public EtcdMember Self => Cluster.Single(m => m.Name == Name);

    public IEnumerable<EtcdMember> Others => Cluster.Where(m => m.Name != Name);

    /// <summary>The member's cluster speaks TLS (its URLs are https): its clients present a certificate.</summary>
    public bool Tls => Self.ClientUrl.StartsWith("https://", StringComparison.Ordinal);

    /// <summary>NAME=PEER_URL,CLIENT_URL per member, space-separated: what state records.</summary>
    public string ClusterText => string.Join(" ", Cluster.Select(m => $"{m.Name}={m.PeerUrl},{m.ClientUrl}"));

    public static EtcdMembership Parse(string name, string clusterText)
    {
        if (!Names.HostName().IsMatch(name))
            throw new InvalidInputException("etcdMember", $"'{TextRules.Printable(name)}' is not a host name");
        var cluster = new List<EtcdMember>();
        foreach (var item in clusterText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var urls = eq > 0 ? item[(eq + 1)..].Split(',') : [];
            if (eq <= 0 || !Names.HostName().IsMatch(item[..eq]) || urls.Length != 2 || !urls.All(ServiceInputs.IsHttpUrl) || urls.Any(u => u.Count(c => c == '/') != 2) ||
                ServiceInputs.SchemeOf(urls[0]) != ServiceInputs.SchemeOf(urls[1]))
                throw new InvalidInputException("etcdCluster", $"'{TextRules.Printable(item)}' is not NAME=SCHEME://ADDRESS:PEER_PORT,SCHEME://ADDRESS:CLIENT_PORT (http or https, both alike)");
            var hostStart = urls[0].IndexOf("://", StringComparison.Ordinal) + 3;
            var address = urls[0][hostStart..urls[0].LastIndexOf(':')];
            cluster.Add(new EtcdMember(item[..eq], address, urls[0], urls[1]));
        }
        if (cluster.Count(m => m.Name == name) != 1 || cluster.DistinctBy(m => m.Name).Count() != cluster.Count)
            throw new InvalidInputException("etcdCluster", $"does not list member '{name}' exactly once, or lists a member twice");
        return new EtcdMembership(name, cluster);
    }
}

/// <summary>
/// A systemd service: enabled, running, ready. It carries its readiness probe and data directories, so it is
/// waited for and (with --purge-data) cleaned up from what it recorded, also after its host left the stack; an
/// etcd member also carries its <see cref="EtcdMembership"/>, so it can leave the cluster from what it recorded.
/// </summary>
internal sealed record ServiceInputs(string Unit, IReadOnlyList<ServiceRead> Reads, ReadinessProbe Ready, IReadOnlyList<string> DataDirectories,
    EtcdMembership? Membership = null) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs()
    {
        var map = Map(("unit", Unit), ("enabled", "true"), ("ready", ProbeText(Ready)), ("data", string.Join(" ", DataDirectories)));
        if (Membership is { } member)
        {
            map["etcdMember"] = member.Name;
            map["etcdCluster"] = member.ClusterText;
        }
        foreach (var read in Reads)
            map[$"{(read.Effect == ServiceEffect.Reload ? "reload" : "restart")}:{read.Path}"] = read.Hash;
        return map;
    }

    /// <summary>What the changed input keys ask of the running service: the strongest of their effects.</summary>
    public static ServiceEffect EffectOf(IEnumerable<string> changedKeys) =>
        changedKeys.Select(k => k.StartsWith("restart:", StringComparison.Ordinal) || k is "unit" or "enabled" ? ServiceEffect.Restart
            : k.StartsWith("reload:", StringComparison.Ordinal) ? ServiceEffect.Reload : ServiceEffect.None).DefaultIfEmpty(ServiceEffect.None).Max();

    /// <summary>The input key under which this service reads <paramref name="path"/>, if it does.</summary>
    public string? KeyReading(string path) => Reads.FirstOrDefault(r => r.Path == path) is { } read
        ? $"{(read.Effect == ServiceEffect.Reload ? "reload" : "restart")}:{read.Path}" : null;

    public static string ProbeText(ReadinessProbe probe) =>
        string.Join(" ", new[] { probe.Kind.ToString(), probe.Seconds.ToString(CultureInfo.InvariantCulture), probe.Target }.Where(p => p.Length > 0));

    public static ServiceInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "unit" or "enabled" or "ready" or "data" or "etcdMember" or "etcdCluster" || k.StartsWith("restart:", StringComparison.Ordinal) || k.StartsWith("reload:", StringComparison.Ordinal));
        var unit = Matching(inputs, "unit", Names.Unit(), "a systemd unit name");
        if (Required(inputs, "enabled") != "true")
            throw new InvalidInputException("enabled", "must be true");
        var reads = new List<ServiceRead>();
        foreach (var (key, hash) in inputs.Where(kv => kv.Key.Contains(':', StringComparison.Ordinal)))
        {
            var effect = key.StartsWith("reload:", StringComparison.Ordinal) ? ServiceEffect.Reload : ServiceEffect.Restart;
            var path = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (!Names.AbsolutePath().IsMatch(path))
                throw new InvalidInputException(TextRules.Printable(key), "does not name an absolute path of plain segments");
            if (!Names.Sha256Hex().IsMatch(hash) && hash != AgentBinaryInputs.NotBuilt)
                throw new InvalidInputException(key, $"'{TextRules.Printable(hash)}' is not a SHA-256 in hex");
            reads.Add(new ServiceRead(path, effect, hash));
        }
        var data = Required(inputs, "data").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var outside = data.FirstOrDefault(d => !IsDataDirectory(d));
        if (outside is not null)
            throw new InvalidInputException("data", $"'{TextRules.Printable(outside)}' is not a data directory HaStack makes (/var/lib/postgresql/... or /var/lib/etcd/...)");
        var membership = inputs.ContainsKey("etcdMember") || inputs.ContainsKey("etcdCluster")
            ? EtcdMembership.Parse(Required(inputs, "etcdMember"), Required(inputs, "etcdCluster"))
            : null;
        return new ServiceInputs(unit, reads, ParseProbe(Required(inputs, "ready")), data, membership);
    }

    /// <summary>Only what HaStack itself makes may be removed by --purge-data: a tampered state must not name / or /etc.</summary>
    public static bool IsDataDirectory(string path) =>
        Names.AbsolutePath().IsMatch(path) && path.Split('/').Length >= 5 && Components.DataRoots.Any(root => path.StartsWith(root, StringComparison.Ordinal));

    private static ReadinessProbe ParseProbe(string text)
    {
        var parts = text.Split(' ');
        if (parts.Length is < 2 or > 3 || !Enum.TryParse<ProbeKind>(parts[0], out var kind) || !Enum.IsDefined(kind) || parts[0].Any(char.IsDigit) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 3600)
            throw new InvalidInputException("ready", $"'{TextRules.Printable(text)}' is not a readiness probe (KIND SECONDS [TARGET])");
        var target = parts.Length == 3 ? parts[2] : "";
        var valid = kind switch
        {
            ProbeKind.Active => target.Length == 0,
            ProbeKind.EtcdHealth or ProbeKind.EtcdHealthTls or ProbeKind.TcpListen => IsPort(target),
            ProbeKind.HttpOk => IsHttpUrl(target),
            _ => false,
        };
        return valid ? new ReadinessProbe(kind, target, seconds) : throw new InvalidInputException("ready", $"'{TextRules.Printable(text)}' has a target its kind does not take");
    }

    internal static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 && port.ToString(CultureInfo.InvariantCulture) == text;

    /// <summary>The scheme of a URL <see cref="IsHttpUrl"/> accepts: http or https.</summary>
    internal static string SchemeOf(string url) => url[..url.IndexOf("://", StringComparison.Ordinal)];

    /// <summary>http://ADDRESS:PORT/path or https://..., with a canonical IPv4 address and a plain path.</summary>
    internal static bool IsHttpUrl(string text)
    {
        var scheme = text.StartsWith("http://", StringComparison.Ordinal) ? "http://" : text.StartsWith("https://", StringComparison.Ordinal) ? "https://" : null;
        if (scheme is null)
            return false;
        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        var colon = authority.LastIndexOf(':');
        return colon > 0 && StackValidator.IsIpv4(authority[..colon]) && IsPort(authority[(colon + 1)..]) && (path == "/" || Names.AbsolutePath().IsMatch(path));
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
