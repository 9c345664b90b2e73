using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaStack.Infra.Config;

namespace HaStack.Infra.Graph;

/// <summary>A recorded or desired input that does not have the shape its resource type allows.</summary>
internal sealed class InvalidInputException(string key, string problem) : Exception($"input '{key}': {problem}")
{
    public string Key { get; } = key;

    public string Problem { get; } = problem;
}

/// <summary>
/// A resource's inputs as a type: everything its create, update, delete and read-back need, so a resource can be
/// deleted from what it recorded. Its JSON (<see cref="ToJson"/>: plain values, lists and objects, never a text format
/// inside a string) is what state keeps and what the input hash covers, in its canonical text (<see cref="CanonicalJson"/>);
/// each type's <c>Parse</c> reads it back and checks every value like user input: state on disk is not trusted.
/// </summary>
internal abstract record ResourceInputs
{
    public abstract JsonObject ToJson();

    /// <summary>An object of the given members; a null value leaves its member out.</summary>
    internal static JsonObject Json(params (string Key, JsonNode? Value)[] members)
    {
        var json = new JsonObject();
        foreach (var (key, value) in members)
            if (value is not null)
                json[key] = value;
        return json;
    }

    internal static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    internal static JsonNode? Optional(JsonObject inputs, string key) =>
        inputs.TryGetPropertyValue(key, out var value) && value is not null ? value : null;

    internal static JsonNode Required(JsonObject inputs, string key) =>
        Optional(inputs, key) ?? throw new InvalidInputException(key, "is missing");

    internal static string Text(JsonObject inputs, string key) => TextOf(Required(inputs, key), key);

    internal static string TextOf(JsonNode node, string key) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>()
            : throw new InvalidInputException(key, $"'{TextRules.Printable(Shown(node))}' is not a string");

    internal static string Matching(JsonObject inputs, string key, Regex shape, string what) => MatchingOf(Required(inputs, key), key, shape, what);

    internal static string MatchingOf(JsonNode node, string key, Regex shape, string what)
    {
        var value = TextOf(node, key);
        return shape.IsMatch(value) ? value : throw new InvalidInputException(key, $"'{TextRules.Printable(value)}' is not {what}");
    }

    internal static int Whole(JsonObject inputs, string key, int min, int max) => WholeOf(Required(inputs, key), key, min, max);

    internal static int WholeOf(JsonNode node, string key, int min, int max) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var n) && n >= min && n <= max
            ? n : throw new InvalidInputException(key, $"'{TextRules.Printable(Shown(node))}' is not a whole number in {min}-{max}");

    internal static bool Flag(JsonObject inputs, string key) =>
        Required(inputs, key) is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValue<bool>() : throw new InvalidInputException(key, $"'{TextRules.Printable(Shown(inputs[key]))}' is not true or false");

    internal static JsonObject ObjectOf(JsonNode node, string key) =>
        node as JsonObject ?? throw new InvalidInputException(key, "is not an object");

    internal static JsonArray List(JsonObject inputs, string key, int max = 10_000) =>
        Required(inputs, key) is JsonArray list && list.Count <= max ? list : throw new InvalidInputException(key, $"is not a list of at most {max}");

    /// <summary>A list of strings, each of the given shape.</summary>
    internal static List<string> TextList(JsonObject inputs, string key, Regex shape, string what) =>
        [.. List(inputs, key).Select(item => MatchingOf(item ?? throw new InvalidInputException(key, "holds null"), key, shape, what))];

    /// <summary>Reads a nested value: a problem inside it names its place under <paramref name="parent"/> (<c>ready.target</c>).</summary>
    internal static T Within<T>(string parent, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidInputException e) when (!e.Key.StartsWith(parent, StringComparison.Ordinal))
        {
            throw new InvalidInputException($"{parent}.{e.Key}", e.Problem);
        }
    }

    internal static void OnlyKeys(JsonObject inputs, params string[] known)
    {
        var unknown = inputs.Select(kv => kv.Key).FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
            throw new InvalidInputException(TextRules.Printable(unknown), "is not an input of this resource type");
    }

    private static string Shown(JsonNode? node) => node is null ? "null" : CanonicalJson.Text(node);
}

/// <summary>A file on a host. <see cref="CheckAsAgentConfig"/>: the content, secrets filled in, must load in the agent's own reader before it is written.</summary>
internal sealed record FileInputs(string Path, string Mode, string Owner, string Group, string Content, bool CheckAsAgentConfig) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("path", Path), ("mode", Mode), ("owner", Owner), ("group", Group), ("content", Content),
        ("checkAsAgentConfig", CheckAsAgentConfig));

    public static FileInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "path", "mode", "owner", "group", "content", "checkAsAgentConfig");
        return new FileInputs(Matching(inputs, "path", Names.AbsolutePath(), "an absolute path of plain segments"),
            Matching(inputs, "mode", Names.FileMode(), "an octal file mode"), Matching(inputs, "owner", Names.UnixUser(), "a user name"),
            Matching(inputs, "group", Names.UnixUser(), "a group name"), Text(inputs, "content"), Flag(inputs, "checkAsAgentConfig"));
    }
}

internal sealed record PackagesInputs(IReadOnlyList<string> Packages) : ResourceInputs
{
    public override JsonObject ToJson() => Json(("packages", Strings(Packages)));

    public static PackagesInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "packages");
        return new PackagesInputs(TextList(inputs, "packages", Names.Package(), "a Debian package name"));
    }
}

/// <summary>A generated password's recipe; its value lives encrypted in state's secrets, never in inputs.</summary>
internal sealed record PasswordInputs(int Length) : ResourceInputs
{
    public const string Alphanumeric = "alphanumeric";

    public override JsonObject ToJson() => Json(("length", Length), ("alphabet", Alphanumeric));

    public static PasswordInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "length", "alphabet");
        if (Text(inputs, "alphabet") != Alphanumeric)
            throw new InvalidInputException("alphabet", "must be alphanumeric");
        return new PasswordInputs(Whole(inputs, "length", 16, 128));
    }
}

internal sealed record VerificationInputs(bool Enabled, int VipMoveTimeoutSeconds, int SqlTimeoutSeconds) : ResourceInputs
{
    public override JsonObject ToJson() =>
        Json(("enabled", Enabled), ("vipMoveTimeoutSeconds", VipMoveTimeoutSeconds), ("sqlTimeoutSeconds", SqlTimeoutSeconds));

    public static VerificationInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "enabled", "vipMoveTimeoutSeconds", "sqlTimeoutSeconds");
        return new VerificationInputs(Flag(inputs, "enabled"), Whole(inputs, "vipMoveTimeoutSeconds", 1, 100_000), Whole(inputs, "sqlTimeoutSeconds", 1, 100_000));
    }
}
