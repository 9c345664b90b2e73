using HaStack.Vrrp.Config;

namespace HaStack.Vrrpd;

/// <summary>Config files on disk, with keepalived's include globbing (* ? in the file name part).</summary>
public sealed class FileConfigSource : IConfigSource
{
    /// <summary>Larger than any real config: what is bigger is refused, not read into memory.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>A regular file of at most <see cref="MaxFileBytes"/>; a device, FIFO or directory is refused unopened.</summary>
    public string? Read(string path)
    {
        if (Linux.Native.RegularFileSize(path) is not { } size || size > MaxFileBytes)
            return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // sized by what statx saw, so a small config costs a small buffer; a file growing meanwhile is read on,
            // up to the limit
            var buffer = new byte[size + 1];
            var length = 0;
            int read;
            while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length < buffer.Length)
                    continue;
                if (length > MaxFileBytes)
                    return null;
                Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, MaxFileBytes + 1L));
            }
            using var reader = new StreamReader(new MemoryStream(buffer, 0, length), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Expand(string pattern, string includingFile)
    {
        // a bare file name ("main.conf") has "" for its directory: the current one
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(Path.GetDirectoryName(includingFile) is { Length: > 0 } including ? including : ".", pattern);
        var directory = Path.GetDirectoryName(full) is { Length: > 0 } parent ? parent : ".";
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
