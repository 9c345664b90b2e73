using HaStack.Vrrp.Config;

namespace HaStack.Vrrpd;

/// <summary>Config files on disk, with keepalived's include globbing (* ? in the file name part).</summary>
public sealed class FileConfigSource : IConfigSource
{
    public string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Expand(string pattern, string includingFile)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(Path.GetDirectoryName(includingFile) ?? ".", pattern);
        var directory = Path.GetDirectoryName(full) ?? ".";
        var name = Path.GetFileName(full);
        if (!Directory.Exists(directory))
            return [];
        if (name.IndexOfAny(['*', '?', '[']) < 0)
            return File.Exists(full) ? [full] : [];
        return Directory.EnumerateFiles(directory)
            .Where(f => InMemoryConfigSource.GlobMatches(full, f))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
