using HaStack.Infra.Config;

namespace HaStack.Infra.Ssh;

/// <summary>
/// The local SSH files a stack names (its private key and known_hosts), found the same way by both engines:
/// <c>~/</c> is the user's home, a missing known_hosts file pins nothing.
/// </summary>
internal static class SshFiles
{
    public static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;

    public static string PrivateKeyPath(SshSettings ssh) => ExpandHome(ssh.PrivateKeyFile ?? "~/.ssh/id_ed25519");

    /// <summary>Larger than any real known_hosts file or private key: what is bigger is refused, not read into memory.</summary>
    public const int MaxSshFileBytes = 4 << 20;

    /// <exception cref="LocalFiles.LocalFileException">the file is there but not a regular file, too large or unreadable</exception>
    public static KnownHosts ReadKnownHosts(SshSettings ssh) =>
        ssh.KnownHostsFile is { Length: > 0 } file && LocalFiles.BoundedFile.KindOf(ExpandHome(file)) != LocalFiles.BoundedFile.FileKind.Missing
            ? KnownHosts.Parse(LocalFiles.BoundedFile.ReadText(ExpandHome(file), MaxSshFileBytes, "hastack:ssh.knownHostsFile"))
            : KnownHosts.Parse("");

    /// <summary>The private key's bytes, read before any host is contacted.</summary>
    /// <exception cref="LocalFiles.LocalFileException">missing, not a regular file, too large or unreadable</exception>
    public static byte[] ReadPrivateKey(SshSettings ssh) => LocalFiles.BoundedFile.ReadBytes(PrivateKeyPath(ssh), MaxSshFileBytes, "hastack:ssh.privateKeyFile");
}
