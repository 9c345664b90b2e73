using HaStack.Infra.Config;

namespace HaStack.Infra.Ssh;

/// <summary>
/// The local SSH files a stack names (its private key and known_hosts), found the same way by both engines:
/// <c>~/</c> is the user's home, a missing known_hosts file pins nothing.
/// </summary>
public static class SshFiles
{
    public static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;

    public static string PrivateKeyPath(SshSettings ssh) => ExpandHome(ssh.PrivateKeyFile ?? "~/.ssh/id_ed25519");

    public static KnownHosts ReadKnownHosts(SshSettings ssh) =>
        ssh.KnownHostsFile is { Length: > 0 } file && File.Exists(ExpandHome(file))
            ? KnownHosts.Parse(File.ReadAllText(ExpandHome(file)))
            : KnownHosts.Parse("");
}
