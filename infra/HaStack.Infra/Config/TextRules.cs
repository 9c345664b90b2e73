using HaStack.Infra.Rendering;

namespace HaStack.Infra.Config;

/// <summary>
/// What no value or key of a stack file may hold, whatever its type: control characters and Unicode line or
/// paragraph separators (each file format HaStack writes reads them as the end of a line or worse), and the text
/// of a secret token (the renderer would replace it with a secret's value).
/// </summary>
internal static class TextRules
{
    /// <param name="multiline">a PEM block (a certificate, a key): line feeds are its structure, and the only control character allowed</param>
    public static (string Rule, string Problem, string Fix)? Check(string text, bool multiline = false)
    {
        foreach (var c in text)
        {
            if ((char.IsControl(c) && !(multiline && c == '\n')) || c is '\u2028' or '\u2029')
                return ("control-character", $"holds the control or line-separator character U+{(int)c:X4}",
                    "write the value on one line without control characters (no tab, newline or carriage return)");
        }
        if (text.Contains(SecretTokens.Prefix, StringComparison.Ordinal))
            return ("secret-token-in-value", $"holds '{SecretTokens.Prefix}', the text HaStack marks secrets with inside rendered files",
                "remove it; a value may not look like a secret reference");
        return null;
    }

    /// <summary>
    /// A value read from state or a host as a terminal may show it: control characters (an escape sequence would
    /// drive the terminal, a newline would forge a line of a plan) escaped; line feeds kept when <paramref name="multiline"/>.
    /// </summary>
    public static string ForTerminal(string text, bool multiline = false) =>
        multiline ? string.Join('\n', text.Split('\n').Select(Printable)) : Printable(text);

    /// <summary>The value as a diagnostic may show it: control characters escaped, so a report is one line.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? $"\\u{(int)c:x4}" : c.ToString()));
}
