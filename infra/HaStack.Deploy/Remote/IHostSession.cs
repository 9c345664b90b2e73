using System.Text;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Remote;

internal sealed record RemoteResult(int ExitStatus, string Stdout, string Stderr)
{
    public bool Ok => ExitStatus == 0;
}

/// <summary>A remote command that failed; the message carries its exit status and output (scrubbed by the caller's log).</summary>
internal sealed class RemoteCommandException(string host, string what, RemoteResult result)
    : HostOperationException($"{host}: {what} failed (exit {result.ExitStatus}): {(result.Stderr.Trim().Length > 0 ? result.Stderr.Trim() : result.Stdout.Trim())}")
{
    public RemoteResult Result { get; } = result;
}

/// <summary>
/// Where the engine runs a host's operations: an SSH connection in production, a fake host in unit tests. It runs
/// a <see cref="HostScript"/> as root with the given standard input, and nothing else: the script text is built
/// by <see cref="HostOperations"/> alone.
/// </summary>
internal interface IHostSession
{
    string Host { get; }

    RemoteResult Run(HostScript script, byte[]? stdin = null);
}

internal static class HostSessionExtensions
{
    /// <summary>Runs and throws <see cref="RemoteCommandException"/> unless it exits 0; returns standard output.</summary>
    public static string Check(this IHostSession session, HostScript script, byte[]? stdin = null)
    {
        var result = session.Run(script, stdin);
        return result.Ok ? result.Stdout : throw new RemoteCommandException(session.Host, script.What, result);
    }

    public static string Check(this IHostSession session, HostScript script, string stdin) => session.Check(script, Encoding.UTF8.GetBytes(stdin));

    /// <summary>The file's SHA-256, or null when it does not exist.</summary>
    public static string? Sha256Of(this IHostSession session, string path)
    {
        var text = session.Check(HostOperations.Sha256Of(path)).Trim();
        return text.Length == 64 ? text : null;
    }
}
