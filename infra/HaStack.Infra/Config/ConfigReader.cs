using System.Globalization;
using HaStack.Infra.Stack;
using KeepalivedKeywords = HaStack.Vrrp.Config.KeepalivedKeywords;

namespace HaStack.Infra.Config;

/// <summary>What binding shares: diagnostics, where each key was written, and how secure values are opened.</summary>
internal sealed class BindingContext(string stackFile, Func<string, ConfigSecure, Secret?> openSecure)
{
    public List<Diagnostic> Diagnostics { get; } = [];
    public Dictionary<string, SourceLocation> Locations { get; } = new(StringComparer.Ordinal);
    public string StackFile => stackFile;

    public Secret? Open(string key, ConfigSecure node) => openSecure(key, node);

    public void Error(string rule, string key, string? value, string problem, string fix, SourceLocation? at) =>
        Diagnostics.Add(Diagnostic.Error(rule, key, value, problem, fix, at));
}

/// <summary>
/// Reads one mapping of a stack file against the keys the caller asks for. Each typed getter records the key
/// as known; <see cref="Finish"/> reports the rest as unknown, with the nearest known key as a suggestion.
/// A missing or mistyped value yields the fallback, so binding goes on and every problem is found in one run.
/// </summary>
internal sealed class ConfigReader(ConfigMap? map, string path, BindingContext context)
{
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public string Path => path;
    public SourceLocation? Location => map?.Location;

    private string KeyOf(string key) => path.EndsWith(':') ? path + key : $"{path}.{key}";

    private ConfigNode? Take(string key)
    {
        known.Add(key);
        var node = map?[key];
        if (node is not null)
            context.Locations[KeyOf(key)] = node.Location;
        return node;
    }

    private string? Scalar(string key, string expected, bool required, bool multiline = false)
    {
        var node = Take(key);
        switch (node)
        {
            case null:
                if (required)
                    context.Error("required-key", KeyOf(key), null, "is required", $"set {KeyOf(key)} ({expected})", map?.Location);
                return null;
            case ConfigScalar { Text.Length: 0 } empty when required:
                // an empty value is as good as none: every check after this one would skip it
                context.Error("empty-value", KeyOf(key), "\"\"", "is empty", $"set {KeyOf(key)} ({expected})", empty.Location);
                return null;
            case ConfigScalar scalar:
                return Checked(KeyOf(key), scalar.Text, scalar.Location, multiline);
            case ConfigSecure:
                context.Error("secret-not-expected", KeyOf(key), "[secret]", "is encrypted, but it is not a secret setting",
                    $"write it in plaintext ({expected})", node.Location);
                return null;
            default:
                context.Error("wrong-type", KeyOf(key), null, $"must be {expected}, not a {(node is ConfigList ? "list" : "mapping")}",
                    $"write a single value ({expected})", node.Location);
                return null;
        }
    }

    /// <summary>The text, or null with a diagnostic when it holds what no value may (<see cref="TextRules"/>).</summary>
    private string? Checked(string key, string text, SourceLocation at, bool multiline = false)
    {
        if (TextRules.Check(text, multiline) is not { } broken)
            return text;
        context.Error(broken.Rule, key, TextRules.Printable(text), broken.Problem, broken.Fix, at);
        return null;
    }

    public string String(string key, string fallback, bool required = false) => Scalar(key, "a string", required) ?? fallback;

    public string? OptionalString(string key) => Scalar(key, "a string", false);

    /// <summary>A PEM block (YAML's <c>|</c> keeps its lines): line feeds allowed, no other control character.</summary>
    public string? OptionalPem(string key) => Scalar(key, "a PEM block", false, multiline: true);

    public int Int(string key, int fallback) => (int)(Whole(key, int.MinValue, int.MaxValue, $"write a number such as {fallback}") ?? fallback);

    public long Long(string key, long fallback) => Whole(key, long.MinValue, long.MaxValue, $"write a number such as {fallback}") ?? fallback;

    /// <summary>A whole number, or null when the key is absent (or not a number, with a diagnostic).</summary>
    public int? OptionalInt(string key) => (int?)Whole(key, int.MinValue, int.MaxValue, "write a whole number, or remove the key for HaStack's choice");

    /// <summary>The key's whole number in [<paramref name="min"/>, <paramref name="max"/>]; null when absent or wrong (with a diagnostic).</summary>
    private long? Whole(string key, long min, long max, string fix)
    {
        var text = Scalar(key, "a whole number", false);
        if (text is null)
            return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        context.Error("wrong-type", KeyOf(key), text, "is not a whole number (or too large)", fix, context.Locations[KeyOf(key)]);
        return null;
    }

    public decimal Decimal(string key, decimal fallback)
    {
        var text = Scalar(key, "a number", false);
        if (text is null)
            return fallback;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return value;
        context.Error("wrong-type", KeyOf(key), text, "is not a number", $"write a number such as {fallback.ToString(CultureInfo.InvariantCulture)}", context.Locations[KeyOf(key)]);
        return fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = Scalar(key, "true or false", false);
        if (text is null)
            return fallback;
        if (bool.TryParse(text, out var value))
            return value;
        context.Error("wrong-type", KeyOf(key), text, "is not true or false", $"write true or false (default {fallback.ToString().ToLowerInvariant()})", context.Locations[KeyOf(key)]);
        return fallback;
    }

    /// <summary>A word from a fixed set, matched without regard to case; the enum's names, lower-cased, are the spelling.</summary>
    public T Enum<T>(string key, T fallback) where T : struct, System.Enum
    {
        var text = Scalar(key, $"one of {Choices<T>()}", false);
        if (text is null)
            return fallback;
        if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !text.Any(char.IsDigit))
            return value;
        context.Error("bad-choice", KeyOf(key), text, $"is not one of {Choices<T>()}", $"write one of {Choices<T>()}", context.Locations[KeyOf(key)]);
        return fallback;
    }

    private static string Choices<T>() where T : struct, System.Enum =>
        string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    /// <summary>A secret: <c>secure: v1:...</c> in the stack file. A plaintext value is refused, as pulumi would store it in plaintext.</summary>
    public Secret? Secret(string key, bool multiline = false)
    {
        var node = Take(key);
        switch (node)
        {
            case null:
                return null;
            case ConfigSecure secure:
                var opened = context.Open(KeyOf(key), secure);
                if (opened is not null && opened.Reveal().Length == 0)
                {
                    context.Error("empty-secret", KeyOf(key), "[secret]", "is encrypted but empty", "set the secret again with a value, or remove the key", secure.Location);
                    return null;
                }
                if (opened is not null && TextRules.Check(opened.Reveal(), multiline) is { } broken)
                {
                    context.Error(broken.Rule, KeyOf(key), "[secret]", broken.Problem, "set the secret again without it", secure.Location);
                    return null;
                }
                return opened;
            case ConfigScalar scalar when scalar.Text.Length == 0:
                return null;
            case ConfigScalar { Secret: true } fromEngine:
                // from the Pulumi engine, already decrypted by whatever secrets provider the stack uses
                if (TextRules.Check(fromEngine.Text, multiline) is { } bad)
                {
                    context.Error(bad.Rule, KeyOf(key), "[secret]", bad.Problem, "set the secret again without it", fromEngine.Location);
                    return null;
                }
                return new Secret(fromEngine.Text);
            case ConfigMap map when map["secure"] is not null:
                context.Error("secure-value-shape", KeyOf(key), "(not shown)", "has a `secure:` that is not one encrypted text (v1:...)",
                    $"set it again: pulumi config set --secret --path '{KeyOf(key)}'", node.Location);
                return null;
            default:
                context.Error("secret-in-plaintext", KeyOf(key), "(not shown)", "is a secret written in plaintext in the stack file",
                    $"remove it and run: pulumi config set --secret --path '{KeyOf(key)}' (or hastack's own: PULUMI_CONFIG_PASSPHRASE=... and an encrypted value)", node.Location);
                return null;
        }
    }

    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
        var node = Take(key);
        if (node is null)
            return fallback;
        if (node is ConfigScalar { Text: var single } && single.Length > 0)
            return [single];
        if (node is not ConfigList list)
        {
            context.Error("wrong-type", KeyOf(key), null, "must be a list", $"write [a, b] or one '- item' per line", node.Location);
            return fallback;
        }
        var items = new List<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is ConfigScalar s)
            {
                if (Checked($"{KeyOf(key)}[{i}]", s.Text, s.Location) is { } item)
                    items.Add(item);
            }
            else
                context.Error("wrong-type", $"{KeyOf(key)}[{i}]", null, "must be a single value", "write a word, not a list or mapping", list.Items[i].Location);
        }
        return items;
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = Take(key);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (node is null)
            return result;
        if (node is not ConfigMap m)
        {
            context.Error("wrong-type", KeyOf(key), null, "must be a mapping", "write one `name: value` per line, indented under it", node.Location);
            return result;
        }
        foreach (var (name, value) in m.Entries)
        {
            context.Locations[$"{KeyOf(key)}.{name}"] = value.Location;
            if (TextRules.Check(name) is { } badName)
                context.Error(badName.Rule, $"{KeyOf(key)}.{TextRules.Printable(name)}", TextRules.Printable(name), "is a name that " + badName.Problem[..1].ToLowerInvariant() + badName.Problem[1..], badName.Fix, value.Location);
            else if (!folded.TryAdd(name, name))
                // PostgreSQL, PgBouncer and Patroni read names whatever their case: one of the two would be dropped
                context.Error("duplicate-key", $"{KeyOf(key)}.{TextRules.Printable(name)}", TextRules.Printable(name), $"is also given as '{TextRules.Printable(folded[name])}'; names are read whatever their case",
                    "keep one of them", value.Location);
            else if (value is ConfigScalar { Text.Length: 0 } empty)
                context.Error("empty-value", $"{KeyOf(key)}.{TextRules.Printable(name)}", "\"\"", "is empty (a null or a missing value)", "give it a value, or remove the line", empty.Location);
            else if (value is ConfigScalar s)
            {
                if (Checked($"{KeyOf(key)}.{name}", s.Text, s.Location) is { } text)
                    result[name] = text;
            }
            else
                context.Error("wrong-type", $"{KeyOf(key)}.{name}", null, "must be a single value", "write `name: value`", value.Location);
        }
        return result;
    }

    public ConfigReader Object(string key)
    {
        var node = Take(key);
        if (node is null or ConfigMap)
            return new ConfigReader(node as ConfigMap, KeyOf(key), context);
        context.Error("wrong-type", KeyOf(key), null, "must be a mapping", "write its settings indented under it, one `name: value` per line", node.Location);
        return new ConfigReader(null, KeyOf(key), context);
    }

    public IReadOnlyList<ConfigReader> ObjectList(string key, bool required = false)
    {
        var node = Take(key);
        switch (node)
        {
            case null:
                if (required)
                    context.Error("required-key", KeyOf(key), null, "is required", $"set {KeyOf(key)} (a list)", map?.Location);
                return [];
            case ConfigList list:
                var readers = new List<ConfigReader>();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var itemKey = $"{KeyOf(key)}[{i}]";
                    context.Locations[itemKey] = list.Items[i].Location;
                    if (list.Items[i] is ConfigMap item)
                        readers.Add(new ConfigReader(item, itemKey, context));
                    else
                        context.Error("wrong-type", itemKey, null, "must be a mapping", "write `- name: ...` with its settings indented under it", list.Items[i].Location);
                }
                return readers;
            default:
                context.Error("wrong-type", KeyOf(key), null, "must be a list", "write one `- ...` item per line", node.Location);
                return [];
        }
    }

    /// <summary>A problem found while binding this mapping that no typed getter could see (a bad word in a list, say).</summary>
    public void Report(string rule, string key, string? value, string problem, string fix) =>
        context.Error(rule, key, value, problem, fix, map?.Location);

    /// <summary>Reports every key of this mapping that no getter asked for.</summary>
    public void Finish()
    {
        if (map is null)
            return;
        foreach (var (key, node) in map.Entries)
        {
            if (known.Contains(key))
                continue;
            if (TextRules.Check(key) is { } broken)
            {
                context.Error(broken.Rule, KeyOf(TextRules.Printable(key)), TextRules.Printable(key), broken.Problem, broken.Fix, node.Location);
                continue;
            }
            var guess = KeepalivedKeywords.Nearest(key, known) ?? known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            context.Error("unknown-key", KeyOf(key), null, "is not a HaStack setting",
                guess is null ? $"remove it; known here: {string.Join(", ", known.Order(StringComparer.Ordinal))}" : $"did you mean '{guess}'?", node.Location);
        }
    }
}
