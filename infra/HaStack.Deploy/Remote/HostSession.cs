using HaStack.Infra.Config;
using HaStack.Infra.Ssh;
using HaStack.Infra.Operations;
using Renci.SshNet;

namespace HaStack.Deploy.Remote;

/// <summary>A host key that is not the pinned one: the run stops, and both keys are shown.</summary>
internal sealed class HostKeyMismatchException(string message) : Exception(message);

/// <summary>
/// One SSH connection to one host, reused for every command of a run. Key login only; the host key must be the
/// one pinned (the stack's hostKey, else known_hosts). Commands run under <c>sudo -n</c> for a non-root user;
/// their text never holds a secret: secrets and file contents go on standard input.
/// </summary>
internal sealed class HostSession : IHostSession, IDisposable
{
    private readonly SshClient client;
    private readonly bool sudo;
    // commands start one at a time per connection: SSH.NET's input stream can fail to open ("only during
    // execution") when channels open concurrently on one client; once started, commands run side by side
    private readonly object startGate = new();
    private string? seenKey;

    public string Host { get; }

    public HostSession(HostConfig host, SshSettings ssh, KnownHosts knownHosts)
    {
        Host = host.Name;
        var user = host.SshUser ?? ssh.User;
        var port = host.SshPort > 0 ? host.SshPort : ssh.Port;
        sudo = user != "root" && ssh.Sudo;
        var key = new PrivateKeyFile(new MemoryStream(SshFiles.ReadPrivateKey(ssh)));
        var info = new ConnectionInfo(host.Address, port, user, new PrivateKeyAuthenticationMethod(user, key))
        {
            Timeout = TimeSpan.FromSeconds(ssh.ConnectTimeoutSeconds),
        };
        client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            seenKey = $"{KnownHostKey.FingerprintOf(e.HostKey)} ({e.HostKeyName})";
            e.CanTrust = host.HostKey is { } pinned
                ? PinnedMatches(pinned, e.HostKeyName, e.HostKey)
                : knownHosts.Trusts(host.Address, port, e.HostKeyName, e.HostKey);
        };
        try
        {
            client.Connect();
        }
        catch (Renci.SshNet.Common.SshConnectionException) when (seenKey is not null && !client.IsConnected)
        {
            var expected = host.HostKey is { } pinned
                ? $"the stack's hostKey {(pinned.StartsWith("SHA256:", StringComparison.Ordinal) ? pinned : FingerprintOfPinned(pinned))}"
                : $"{(knownHosts.KeysFor(host.Address, port) is { Count: > 0 } keys ? string.Join(", ", keys.Select(k => $"{k.Fingerprint} ({k.KeyType})")) : "no key at all")} in {ssh.KnownHostsFile}";
            throw new HostKeyMismatchException(
                $"{host.Name} ({host.Address}:{port}) presented host key {seenKey}, but the pinned key is {expected}. " +
                "Nothing was done on this host. If the host was reinstalled, check the new key out of band and update the pin; otherwise someone may be in the way.");
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or TimeoutException or Renci.SshNet.Common.ProxyException)
        {
            client.Dispose();
            throw new HostUnreachableException(host.Name, $"{host.Address}:{port} as {user}: {e.Message}", e);
        }
    }

    private static bool PinnedMatches(string pinned, string keyType, byte[] key) =>
        pinned.StartsWith("SHA256:", StringComparison.Ordinal)
            ? pinned == KnownHostKey.FingerprintOf(key)
            : pinned.Split(' ') is [var type, var base64, ..] && type == keyType && base64 == Convert.ToBase64String(key);

    private static string FingerprintOfPinned(string pinned) =>
        pinned.Split(' ') is [_, var base64, ..] ? KnownHostKey.FingerprintOf(Convert.FromBase64String(base64)) : pinned;

    /// <summary>Runs the script with sh (as root: directly, or through sudo -n), with optional standard input.</summary>
    public RemoteResult Run(HostScript script, byte[]? stdin = null)
    {
        var input = stdin is { Length: > 0 } ? stdin : null;
        return Execute(ExecRequest.CommandText(script, sudo, hasInput: input is not null), input, TimeSpan.FromSeconds(script.TimeoutSeconds));
    }

    private RemoteResult Execute(string commandText, byte[]? stdin, TimeSpan timeout)
    {
        using var command = client.CreateCommand(commandText);
        command.CommandTimeout = timeout;
        IAsyncResult pending;
        lock (startGate)
        {
            pending = command.BeginExecute();
            if (stdin is not null)
                WriteInput(command, pending, stdin);
        }
        command.EndExecute(pending);
        return new RemoteResult(command.ExitStatus ?? -1, command.Result, command.Error);
    }

    private static void WriteInput(SshCommand command, IAsyncResult pending, byte[] stdin)
    {
        try
        {
            // disposing the stream sends the EOF
            using var input = command.CreateInputStream();
            input.Write(stdin);
        }
        catch (InvalidOperationException) when (pending.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)))
        {
            // the channel closed before the input went (the login shell itself failed): the result says why. The
            // wait is bounded so that a stream refused for any other reason surfaces instead of blocking the run
        }
    }

    public void Dispose() => client.Dispose();
}
