using HaStack.Infra.Operations;

namespace HaStack.Deploy.Remote;

/// <summary>
/// The command text the embedded engine's SSH exec request carries for a script: the script's own command line,
/// with its standard input settled so that the server closes the channel only after the client is done with it.
/// OpenSSH drops the whole connection (every command running on it) when data or an EOF arrives for a channel it
/// has already closed, and SSH.NET can send its EOF a moment after the channel closed; it also sends none at all
/// for empty input.
/// </summary>
internal static class ExecRequest
{
    public static string CommandText(HostScript script, bool sudo, bool hasInput) =>
        hasInput
            // a script that ends before reading all of its input (failed early, or needed none on this host): the
            // rest is read here, so the channel stays open until the client's EOF; the script's status is kept
            ? $"{script.CommandLine(sudo)}; status=$?; cat >/dev/null; exit $status"
            // nothing to send: the script sees end of input at once instead of waiting for an EOF
            : $"{script.CommandLine(sudo)} </dev/null";
}
