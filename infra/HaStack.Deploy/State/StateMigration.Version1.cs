using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.State;

/// <summary>
/// Version 1 of the state recorded each resource's inputs as strings, some with a text format inside
/// (<c>KIND SECONDS TARGET</c>, <c>NAME=PEER,CLIENT</c>, <c>HOST=https://ADDRESS:PORT</c>, <c>reload:</c>/<c>restart:</c>
/// and <c>setting:</c> keys, lists joined by spaces or commas). This is the one place that still reads them: each
/// resource's strings, once its recorded hash shows they are what that release wrote, become its kind's JSON, which
/// the kind's own parser then checks like any state. The JSON is what this release's graph makes of the same
/// inputs, so the hashes match and the first up after the upgrade changes nothing.
/// </summary>
internal static partial class StateMigration
{
    /// <returns>the inputs as JSON, or null when the recorded hash does not match the strings (changed by hand)</returns>
    /// <exception cref="InvalidInputException">an input that is not a string, or not in the text format version 1 wrote</exception>
    public static JsonObject? InputsOfVersion1(string type, string name, string recordedHash, JsonObject inputs)
    {
        var v1 = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in inputs)
            v1[key] = value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>()
                : throw new InvalidInputException(TextRules.Printable(key), "is not a string, as version 1 of the state recorded every input");
        if (recordedHash != Version1Hash(type, name, v1))
            return null;
        string Get(string key) => v1.TryGetValue(key, out var value) ? value : throw new InvalidInputException(key, "is missing");
        return type switch
        {
            ResourceTypes.Password => ResourceInputs.Json(("length", Whole(Get("length"), "length")), ("alphabet", Get("alphabet"))),
            ResourceTypes.CertificateAuthority => ResourceInputs.Json(("stack", Get("stack")), ("days", Whole(Get("days"), "days")), ("source", Get("source")),
                ("certificate", v1.GetValueOrDefault("certificate"))),
            ResourceTypes.Certificate => ResourceInputs.Json(("host", Get("host")), ("dns", Split(Get("dns"), ',')), ("addresses", Split(Get("addresses"), ',')),
                ("days", Whole(Get("days"), "days")), ("renewDaysBefore", Whole(Get("renewDaysBefore"), "renewDaysBefore")), ("issuer", Get("issuer"))),
            ResourceTypes.Packages => ResourceInputs.Json(("packages", Split(Get("packages"), ' '))),
            ResourceTypes.File => ResourceInputs.Json(("path", Get("path")), ("mode", Get("mode")), ("owner", Get("owner")), ("group", Get("group")), ("content", Get("content")),
                ("checkAsAgentConfig", v1.GetValueOrDefault("check") switch
                {
                    null => false,
                    "agent-config" => true,
                    var other => throw new InvalidInputException("check", $"'{TextRules.Printable(other)}' is not a known check"),
                })),
            ResourceTypes.AgentBinary => ResourceInputs.Json(("path", Get("path")), ("mode", Get("mode")), ("sha256", Get("sha256"))),
            ResourceTypes.Service => Service(v1, Get),
            ResourceTypes.SqlSetup => ResourceInputs.Json(("script", Get("script")), ("targets", Targets(Get("targets")))),
            ResourceTypes.PatroniConfig => ResourceInputs.Json(("targets", Targets(Get("targets"))), ("password", Get("password")), ("settings", Settings(v1))),
            ResourceTypes.RollingRestart => ResourceInputs.Json(("settings", Settings(v1))),
            ResourceTypes.Verification => ResourceInputs.Json(("enabled", Get("enabled") switch
            {
                "true" => true,
                "false" => false,
                var other => throw new InvalidInputException("enabled", $"'{TextRules.Printable(other)}' is not true or false"),
            }), ("vipMoveTimeoutSeconds", Whole(Get("vipMoveTimeoutSeconds"), "vipMoveTimeoutSeconds")), ("sqlTimeoutSeconds", Whole(Get("sqlTimeoutSeconds"), "sqlTimeoutSeconds"))),
            _ => throw new InvalidInputException("type", $"'{TextRules.Printable(type)}' was not recorded by version 1"),
        };
    }

    /// <summary>Version 1's input hash: type, name, then each input as KEY=LENGTH:VALUE in key order.</summary>
    internal static string Version1Hash(string type, string name, IReadOnlyDictionary<string, string> inputs)
    {
        var text = new StringBuilder().Append(type).Append('\n').Append(name).Append('\n');
        foreach (var (key, value) in inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static JsonObject Service(SortedDictionary<string, string> v1, Func<string, string> get)
    {
        if (get("enabled") != "true")
            throw new InvalidInputException("enabled", "must be true");
        var probe = get("ready").Split(' ');
        if (probe.Length is < 2 or > 3)
            throw new InvalidInputException("ready", $"'{TextRules.Printable(get("ready"))}' is not a readiness probe (KIND SECONDS [TARGET])");
        var reads = new JsonObject();
        foreach (var (key, hash) in v1)
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && key[..colon] is "reload" or "restart")
                reads[key[(colon + 1)..]] = ResourceInputs.Json(("effect", key[..colon]), ("sha256", hash));
            else if (key is not ("unit" or "enabled" or "ready" or "data" or "etcdMember" or "etcdCluster"))
                throw new InvalidInputException(TextRules.Printable(key), "is not an input of this resource type");
        }
        JsonObject? etcd = null;
        if (v1.ContainsKey("etcdMember") || v1.ContainsKey("etcdCluster"))
        {
            var cluster = new JsonArray();
            foreach (var item in get("etcdCluster").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = item.IndexOf('=', StringComparison.Ordinal);
                var urls = eq > 0 ? item[(eq + 1)..].Split(',') : [];
                if (urls.Length != 2)
                    throw new InvalidInputException("etcdCluster", $"'{TextRules.Printable(item)}' is not NAME=PEER_URL,CLIENT_URL");
                cluster.Add(ResourceInputs.Json(("name", item[..eq]), ("peerUrl", urls[0]), ("clientUrl", urls[1])));
            }
            etcd = ResourceInputs.Json(("member", get("etcdMember")), ("cluster", cluster));
        }
        return ResourceInputs.Json(("unit", get("unit")),
            ("ready", ResourceInputs.Json(("kind", probe[0]), ("seconds", Whole(probe[1], "ready")), ("target", probe.Length == 3 ? probe[2] : null))),
            ("data", Split(get("data"), ' ')), ("etcd", etcd), ("reads", reads));
    }

    /// <summary>HOST=ADDRESS:PORT (plain HTTP) or HOST=https://ADDRESS:PORT, space-separated.</summary>
    private static JsonArray Targets(string text)
    {
        const string https = "https://";
        var targets = new JsonArray();
        foreach (var item in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var colon = item.LastIndexOf(':');
            var tls = eq > 0 && string.CompareOrdinal(item, eq + 1, https, 0, https.Length) == 0;
            var start = eq + 1 + (tls ? https.Length : 0);
            if (eq <= 0 || colon < start)
                throw new InvalidInputException("targets", $"'{TextRules.Printable(item)}' is not HOST=ADDRESS:PORT or HOST=https://ADDRESS:PORT");
            targets.Add(ResourceInputs.Json(("host", item[..eq]), ("address", item[start..colon]), ("port", Whole(item[(colon + 1)..], "targets")), ("tls", tls)));
        }
        return targets;
    }

    /// <summary>The <c>setting:PATH</c> inputs, each holding its JSON value.</summary>
    private static JsonObject Settings(SortedDictionary<string, string> v1)
    {
        const string prefix = "setting:";
        var settings = new JsonObject();
        foreach (var (key, json) in v1)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (key is "targets" or "password")
                    continue;
                throw new InvalidInputException(TextRules.Printable(key), "is not an input of this resource type");
            }
            try
            {
                settings[key[prefix.Length..]] = JsonNode.Parse(json);
            }
            catch (JsonException)
            {
                throw new InvalidInputException(TextRules.Printable(key), $"'{TextRules.Printable(json)}' is not JSON");
            }
        }
        return settings;
    }

    private static JsonArray Split(string text, char separator) =>
        new([.. text.Split(separator, StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode)JsonValue.Create(v))]);

    private static int Whole(string text, string key) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new InvalidInputException(key, $"'{TextRules.Printable(text)}' is not a whole number");
}
