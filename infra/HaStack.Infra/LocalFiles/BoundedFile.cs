using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace HaStack.Infra.LocalFiles;

/// <summary>A local file HaStack was pointed at cannot be used; the message names the file, what is wrong and the fix.</summary>
internal sealed class LocalFileException(string message) : Exception(message);

/// <summary>
/// The one way HaStack reads a local file it is pointed at (stack files, keys, known_hosts, the passphrase file, the
/// state, the agent binary): a regular file only, read up to a bound. A FIFO would block the read for ever and a
/// device such as /dev/zero never ends, and both report a length of 0, so the kind is asked of the kernel (statx,
/// following symlinks) before the file is opened, and the read stops one byte past the bound whatever the length said.
/// </summary>
internal static partial class BoundedFile
{
    /// <summary>The file's bytes.</summary>
    /// <param name="what">how the user knows the file, for the message (e.g. "hastack:ssh.privateKeyFile")</param>
    /// <exception cref="LocalFileException">missing, not a regular file, larger than <paramref name="maxBytes"/>, or unreadable</exception>
    public static byte[] ReadBytes(string path, int maxBytes, string what)
    {
        var kind = KindOf(path);
        if (kind != FileKind.Regular)
            throw new LocalFileException($"{what}: '{Printable(path)}' {Describe(kind)}; fix: point it at a regular file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var buffer = new byte[Math.Min(maxBytes + 1L, 64 * 1024)];
            var length = 0;
            int read;
            while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length < buffer.Length)
                    continue;
                if (length > maxBytes)
                    throw new LocalFileException($"{what}: '{Printable(path)}' is larger than {maxBytes} bytes; fix: point it at the file meant here (this one is not)");
                Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, maxBytes + 1L));
            }
            return buffer.AsSpan(0, length).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalFileException($"{what}: '{Printable(path)}' cannot be read ({e.Message}); fix: make it readable by this user");
        }
    }

    /// <summary>The file's text: UTF-8, strictly (a byte that is not UTF-8 is refused, not replaced), a leading BOM dropped.</summary>
    /// <exception cref="LocalFileException">as <see cref="ReadBytes"/>, or the bytes are not UTF-8</exception>
    public static string ReadText(string path, int maxBytes, string what)
    {
        var bytes = ReadBytes(path, maxBytes, what);
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.StartsWith('\uFEFF') ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new LocalFileException($"{what}: '{Printable(path)}' is not UTF-8 text; fix: point it at the file meant here (this one is not)");
        }
    }

    public enum FileKind
    {
        Missing,
        Regular,
        Directory,
        Other,

        /// <summary>A symlink loop or a path the kernel cannot follow.</summary>
        Unresolvable,

        /// <summary>Not allowed to look (a directory on the way is not searchable).</summary>
        Denied,
    }

    /// <summary>What the path names, its symlinks followed, as the kernel says (never opened: a FIFO would block).</summary>
    public static FileKind KindOf(string path)
    {
        const int AtFdCwd = -100;
        const uint StatxType = 0x1;
        const int ENOENT = 2, ENOTDIR = 20, EACCES = 13;
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            return FileKind.Missing;
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            return Marshal.GetLastPInvokeError() switch
            {
                ENOENT or ENOTDIR => FileKind.Missing,
                EACCES => FileKind.Denied,
                _ => FileKind.Unresolvable,
            };
        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            _ => FileKind.Other,
        };
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "does not exist",
        FileKind.Directory => "is a directory, not a file",
        FileKind.Other => "is not a regular file (a device, a FIFO or a socket)",
        FileKind.Unresolvable => "cannot be resolved (a symlink loop, or a name too long)",
        FileKind.Denied => "cannot be reached (permission denied on the way)",
        _ => "is a regular file",
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Printable(string path) => Config.TextRules.Printable(path);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, Span<byte> buffer);
}
