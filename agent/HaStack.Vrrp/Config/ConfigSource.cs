namespace HaStack.Vrrp.Config;

/// <summary>Where config text comes from: the daemon reads files, tests hold them in memory.</summary>
public interface IConfigSource
{
    /// <summary>The text of path, or null when it cannot be read.</summary>
    string? Read(string path);

    /// <summary>The files an <c>include</c> pattern names (glob * ? [..]), sorted; relative to the including file.</summary>
    IReadOnlyList<string> Expand(string pattern, string includingFile);
}

/// <summary>Config files held in memory, for tests and for text handed over whole.</summary>
public sealed class InMemoryConfigSource(IReadOnlyDictionary<string, string> files) : IConfigSource
{
    public string? Read(string path) => files.TryGetValue(path, out var text) ? text : null;

    public IReadOnlyList<string> Expand(string pattern, string includingFile)
    {
        var full = ResolveRelative(pattern, includingFile);
        return files.Keys.Where(k => GlobMatches(full, k)).Order(StringComparer.Ordinal).ToList();
    }

    public static string ResolveRelative(string pattern, string includingFile)
    {
        if (pattern.StartsWith('/'))
            return pattern;
        var dir = includingFile.Contains('/', StringComparison.Ordinal) ? includingFile[..includingFile.LastIndexOf('/')] : ".";
        return dir + "/" + pattern;
    }

    /// <summary>
    /// Shell-style glob on a whole path: <c>*</c> and <c>?</c> do not cross '/', <c>[a-z]</c> and <c>[!a-z]</c> are
    /// classes, anything else is itself. The whole path must match: "x.conf\n" is not "*.conf".
    /// </summary>
    public static bool GlobMatches(string pattern, string path)
    {
        // backtracking to the last star only: a star never crosses '/', so this stays linear in practice
        int p = 0, s = 0, starP = -1, starS = -1;
        while (s < path.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = ++p;
                starS = s;
                continue;
            }
            if (p < pattern.Length && OneMatches(pattern, ref p, path[s]))
            {
                s++;
                continue;
            }
            if (starP < 0 || path[starS] == '/')
                return false;
            p = starP;
            s = ++starS;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary>Whether the pattern element at <paramref name="p"/> matches <paramref name="c"/>; moves past the element when it does.</summary>
    private static bool OneMatches(string pattern, ref int p, char c)
    {
        // '/' is matched by itself only, never by '?' or a class
        if (c != '/' && pattern[p] == '?')
        {
            p++;
            return true;
        }
        if (c != '/' && pattern[p] == '[' && ClassEnd(pattern, p) is var close and > 0)
        {
            var negated = pattern[p + 1] is '!' or '^';
            var inClass = false;
            for (var i = negated ? p + 2 : p + 1; i < close; i++)
            {
                if (i + 2 < close && pattern[i + 1] == '-')
                {
                    inClass |= c >= pattern[i] && c <= pattern[i + 2];
                    i += 2;
                }
                else
                    inClass |= c == pattern[i];
            }
            if (inClass == negated)
                return false;
            p = close + 1;
            return true;
        }
        if (pattern[p] != c)
            return false;
        p++;
        return true;
    }

    /// <summary>Where the class opened at <paramref name="open"/> closes, or -1 when it does not (the '[' is then itself).</summary>
    private static int ClassEnd(string pattern, int open)
    {
        var first = open + 1;
        if (first < pattern.Length && pattern[first] is '!' or '^')
            first++;
        // a ']' first in the class is one of its characters
        if (first < pattern.Length && pattern[first] == ']')
            first++;
        return first < pattern.Length ? pattern.IndexOf(']', first) : -1;
    }
}
