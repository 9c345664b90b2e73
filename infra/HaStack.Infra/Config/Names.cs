using System.Text.RegularExpressions;

namespace HaStack.Infra.Config;

/// <summary>
/// The shapes of every name-like value HaStack accepts, from a stack file or from its own state file. Each is
/// anchored with \A and \z: .NET's $ also matches before a final newline, which let "app\n" pass as a role name.
/// </summary>
internal static partial class Names
{
    /// <summary>A DNS label: it names the etcd and Patroni member.</summary>
    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z")]
    public static partial Regex HostName();

    /// <summary>A login or group name as in /etc/passwd.</summary>
    [GeneratedRegex(@"\A[a-z_][a-z0-9_-]{0,31}\z")]
    public static partial Regex UnixUser();

    /// <summary>A plain SQL identifier HaStack never needs to quote.</summary>
    [GeneratedRegex(@"\A[a-z_][a-z0-9_]{0,62}\z")]
    public static partial Regex SqlIdentifier();

    /// <summary>A systemd unit name (no leading '-', so it is never read as an option).</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}\z")]
    public static partial Regex Unit();

    /// <summary>A Debian package name.</summary>
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9+.-]{1,63}\z")]
    public static partial Regex Package();

    /// <summary>An absolute path of plain segments (no '..', no spaces or shell characters).</summary>
    [GeneratedRegex(@"\A(/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,127}){1,16}\z")]
    public static partial Regex AbsolutePath();

    /// <summary>An octal file mode.</summary>
    [GeneratedRegex(@"\A0[0-7]{3}\z")]
    public static partial Regex FileMode();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    public static partial Regex Sha256Hex();

    /// <summary>A secret's name, as secret tokens carry it.</summary>
    [GeneratedRegex(@"\A[a-z0-9_-]{1,80}\z")]
    public static partial Regex SecretName();

    /// <summary>A pinned SSH host key: as ssh-keyscan prints it, or its SHA256 fingerprint.</summary>
    [GeneratedRegex(@"\A((ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*|SHA256:[A-Za-z0-9+/]{43})\z")]
    public static partial Regex HostKey();

    /// <summary>
    /// A Pulumi project or stack name (alphanumerics, '-', '_', '.', at most 100): both name files and directories
    /// of the state, so "." and ".." are refused beside it (<see cref="IsPulumiName"/>).
    /// </summary>
    [GeneratedRegex(@"\A[A-Za-z0-9_.-]{1,100}\z")]
    private static partial Regex PulumiNameShape();

    public static bool IsPulumiName(string name) => PulumiNameShape().IsMatch(name) && name is not ("." or "..");

    /// <summary>Patroni's cluster name: a key prefix in etcd and a directory name.</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,63}\z")]
    public static partial Regex Scope();
}
