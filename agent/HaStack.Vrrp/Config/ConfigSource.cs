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

    /// <summary>Shell-style glob on a whole path: * and ? do not cross '/'.</summary>
    public static bool GlobMatches(string pattern, string path)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal)
            .Replace(@"\[", "[", StringComparison.Ordinal) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(path, regex);
    }
}
