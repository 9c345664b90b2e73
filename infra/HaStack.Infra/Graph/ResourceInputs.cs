using System.Globalization;
using HaStack.Infra.Config;

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
