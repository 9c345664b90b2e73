using System.Runtime.InteropServices;

namespace HaStack.Vrrpd.Linux;

/// <summary>The few libc calls .NET's Socket does not cover: netlink, AF_PACKET, pidfd and poll.</summary>
internal static partial class Native
{
    public const int AF_NETLINK = 16;
    public const int AF_PACKET = 17;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_ROUTE = 0;
    public const short POLLIN = 1;
    public const int EINTR = 4;
    private const long SYS_pidfd_open = 434; // the same number on x86_64 and arm64 (the generic syscall table)

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int bind(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendto(int fd, ReadOnlySpan<byte> buffer, nint length, int flags, ReadOnlySpan<byte> address, int addressLength);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, Span<byte> buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(Span<PollFd> fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int pid, uint flags);

    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>
    /// The size of <paramref name="path"/> when it is a regular file (symbolic links followed), else null: statx's
    /// layout is the same on every architecture, unlike stat's. A FIFO or a device is never opened to find out.
    /// </summary>
    public static long? RegularFileSize(string path)
    {
        const int AtFdCwd = -100;
        const uint StatxType = 0x1, StatxSize = 0x200;
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            return null;
        var mode = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        return (mode & 0xF000) == 0x8000 ? (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]) : null;
    }

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
