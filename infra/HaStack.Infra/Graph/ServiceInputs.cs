using System.Globalization;
using System.Text.Json.Nodes;
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
    private const string ReloadEffect = "reload";
    private const string RestartEffect = "restart";

    public override JsonObject ToJson()
    {
        var reads = new JsonObject();
        foreach (var read in Reads)
            reads[read.Path] = Json(("effect", read.Effect == ServiceEffect.Reload ? ReloadEffect : RestartEffect), ("sha256", read.Hash));
        return Json(("unit", Unit), ("ready", Json(("kind", Ready.Kind.ToString()), ("seconds", Ready.Seconds), ("target", Ready.Target.Length > 0 ? Ready.Target : null))),
            ("data", Strings(DataDirectories)), ("etcd", Membership?.ToJson()), ("reads", reads));
    }

    /// <summary>
    /// What a difference asks of the running service: the strongest of its changes' effects. A file or binary it reads
    /// asks what its read says (a reload or a restart); another unit, a restart; its probe, data directories or etcd
    /// peers, nothing on the host (etcd reads its peers once, at its first start).
    /// </summary>
    public static ServiceEffect EffectOf(IReadOnlyList<InputChange> changes, ServiceInputs recorded, ServiceInputs desired) =>
        changes.Select(c => c.Path == "unit" ? ServiceEffect.Restart
            : c.Path.StartsWith("reads[", StringComparison.Ordinal)
                ? recorded.Reads.Concat(desired.Reads).Where(r => c.Path == ReadPath(r.Path)).Select(r => r.Effect).DefaultIfEmpty(ServiceEffect.Restart).Max()
            : ServiceEffect.None).DefaultIfEmpty(ServiceEffect.None).Max();

    /// <summary>The difference a repaired file asks of this service, if it reads that file: its read changed, as far as the running service knows.</summary>
    public InputDiff? DiffAfterRepairOf(string path) => Reads.FirstOrDefault(r => r.Path == path) is { } read && ToJson()["reads"]?[path] is { } recorded
        ? new InputDiff(ChangeKind.Update, [new InputChange(ReadPath(path), recorded, recorded.DeepClone())], read.Effect) : null;

    private static string ReadPath(string path) => $"reads[{path}]";

    public static ServiceInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "unit", "ready", "data", "etcd", "reads");
        var unit = Matching(inputs, "unit", Names.Unit(), "a systemd unit name");
        var reads = new List<ServiceRead>();
        foreach (var (path, node) in ObjectOf(Required(inputs, "reads"), "reads"))
        {
            var key = $"reads[{TextRules.Printable(path)}]";
            if (!Names.AbsolutePath().IsMatch(path))
                throw new InvalidInputException(key, "does not name an absolute path of plain segments");
            reads.Add(Within(key, () =>
            {
                var read = ObjectOf(node ?? throw new InvalidInputException(key, "is null"), key);
                OnlyKeys(read, "effect", "sha256");
                var effect = Text(read, "effect") switch
                {
                    ReloadEffect => ServiceEffect.Reload,
                    RestartEffect => ServiceEffect.Restart,
                    var other => throw new InvalidInputException("effect", $"'{TextRules.Printable(other)}' is neither {ReloadEffect} nor {RestartEffect}"),
                };
                var hash = Text(read, "sha256");
                return Names.Sha256Hex().IsMatch(hash) || hash == AgentBinaryInputs.NotBuilt ? new ServiceRead(path, effect, hash)
                    : throw new InvalidInputException("sha256", $"'{TextRules.Printable(hash)}' is not a SHA-256 in hex");
            }));
        }
        var data = List(inputs, "data").Select(d => TextOf(d ?? throw new InvalidInputException("data", "holds null"), "data")).ToList();
        var outside = data.FirstOrDefault(d => !IsDataDirectory(d));
        if (outside is not null)
            throw new InvalidInputException("data", $"'{TextRules.Printable(outside)}' is not a data directory HaStack makes (/var/lib/postgresql/... or /var/lib/etcd/...)");
        var membership = Optional(inputs, "etcd") is { } etcd ? Within("etcd", () => EtcdMembership.Parse(ObjectOf(etcd, "etcd"))) : null;
        return new ServiceInputs(unit, reads, Within("ready", () => ParseProbe(ObjectOf(Required(inputs, "ready"), "ready"))), data, membership);
    }

    /// <summary>Only what HaStack itself makes may be removed by --purge-data: a tampered state must not name / or /etc.</summary>
    public static bool IsDataDirectory(string path) =>
        Names.AbsolutePath().IsMatch(path) && path.Split('/').Length >= 5 && Components.DataRoots.Any(root => path.StartsWith(root, StringComparison.Ordinal));

    private static ReadinessProbe ParseProbe(JsonObject ready)
    {
        OnlyKeys(ready, "kind", "seconds", "target");
        var name = Text(ready, "kind");
        if (!Enum.TryParse<ProbeKind>(name, out var kind) || !Enum.IsDefined(kind) || name.Any(char.IsDigit))
            throw new InvalidInputException("kind", $"'{TextRules.Printable(name)}' is not a readiness probe's kind");
        var seconds = Whole(ready, "seconds", 1, 3600);
        var target = Optional(ready, "target") is { } given ? TextOf(given, "target") : "";
        var valid = kind switch
        {
            ProbeKind.Active => target.Length == 0,
            ProbeKind.EtcdHealth or ProbeKind.EtcdHealthTls or ProbeKind.TcpListen => IsPort(target),
            ProbeKind.HttpOk => IsHttpUrl(target),
            _ => false,
        };
        return valid ? new ReadinessProbe(kind, target, seconds) : throw new InvalidInputException("target", $"'{TextRules.Printable(target)}' is not a target a {kind} probe takes");
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
