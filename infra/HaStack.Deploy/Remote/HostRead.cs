using HaStack.Infra.Operations;

namespace HaStack.Deploy.Remote;

/// <summary>
/// A read of a host: the operation and the parser of what it prints, paired, so a reply is only ever read by the
/// parser written for it. Each component's reads are in its folder (<c>Components/*/…Reads.cs</c>).
/// </summary>
internal sealed record HostRead<T>(HostScript Script, Func<string, T> Parse);

internal static class HostReadExtensions
{
    /// <summary>
    /// What the host printed, parsed; <see cref="RemoteCommandException"/> when the operation failed, a
    /// <see cref="FormatException"/> when what it printed is not what was asked.
    /// </summary>
    public static T Read<T>(this IHostSession session, HostRead<T> read) => read.Parse(session.Check(read.Script));

    /// <summary>The parsed answer, or what the host said (its standard error) when the operation failed there.</summary>
    public static (T? Answer, string? Failure) TryRead<T>(this IHostSession session, HostRead<T> read)
    {
        var answer = session.Run(read.Script);
        return answer.Ok ? (read.Parse(answer.Stdout), null) : (default, answer.Stderr.Trim());
    }

    /// <summary>The parsed answer, or default when the operation failed on the host (a member down, a 503).</summary>
    public static T? ReadOrDefault<T>(this IHostSession session, HostRead<T> read)
    {
        var answer = session.Run(read.Script);
        return answer.Ok ? read.Parse(answer.Stdout) : default;
    }
}
