using System.Globalization;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;

namespace HaStack.Infra.Graph;

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
