using System.Text;
using System.Text.RegularExpressions;

namespace HaStack.Infra.Rendering;

/// <summary>How a secret is written where it lands: each file format quotes differently.</summary>
internal enum SecretEncoding
{
    /// <summary>As is (the value was checked to need no quoting, e.g. a VRRP password).</summary>
    Raw,

    /// <summary>Inside a YAML double-quoted string.</summary>
    Yaml,

    /// <summary>Inside an SQL string literal ('...').</summary>
    Sql,

    /// <summary>Inside a PgBouncer auth_file field ("...").</summary>
    Userlist,
}

/// <summary>
/// Rendered files hold secrets as tokens, <c>@@secret:NAME:ENCODING@@</c>, never as values: the graph and its
/// hashes are then the same at preview time, when generated passwords do not exist yet, and a secret can
/// only reach a host through <see cref="Substitute"/>, which the engine calls at the last moment.
/// </summary>
internal static partial class SecretTokens
{
    /// <summary>How every token starts; no value from a stack file may hold it.</summary>
    public const string Prefix = "@@secret:";

    public static string Token(string name, SecretEncoding encoding) => $"{Prefix}{name}:{encoding.ToString().ToLowerInvariant()}@@";

    /// <summary>True when <paramref name="content"/> still holds a token (after <see cref="Substitute"/>, a secret that carried one).</summary>
    public static bool HasToken(string content) => content.Contains(Prefix, StringComparison.Ordinal);

    public static IReadOnlyList<string> NamesIn(string content) =>
        TokenPattern().Matches(content).Select(m => m.Groups["name"].Value).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Replaces every token with its value, encoded for where it stands.</summary>
    /// <exception cref="InvalidOperationException">a token is left after substitution: the content must not reach a host</exception>
    public static string Substitute(string content, Func<string, string> valueOf)
    {
        var result = TokenPattern().Replace(content, m => Encode(valueOf(m.Groups["name"].Value), Enum.Parse<SecretEncoding>(m.Groups["encoding"].Value, ignoreCase: true)));
        return HasToken(result)
            ? throw new InvalidOperationException("the content still holds a secret token after its secrets were filled in; it was not written")
            : result;
    }

    /// <summary>What `render` shows without --show-secrets: the name, so a reviewer sees which secret goes where.</summary>
    public static string Mask(string content) => TokenPattern().Replace(content, m => $"[secret:{m.Groups["name"].Value}]");

    public static string Encode(string value, SecretEncoding encoding) => encoding switch
    {
        SecretEncoding.Raw => value,
        SecretEncoding.Sql => value.Replace("'", "''", StringComparison.Ordinal),
        SecretEncoding.Userlist => value.Replace("\"", "\"\"", StringComparison.Ordinal),
        SecretEncoding.Yaml => YamlEscape(value),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    private static string YamlEscape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    [GeneratedRegex("@@secret:(?<name>[a-z0-9_-]+):(?<encoding>raw|yaml|sql|userlist)@@")]
    private static partial Regex TokenPattern();
}
