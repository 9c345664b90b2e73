using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace HaStack.Infra.Tests.Hostile;

/// <summary>
/// One hostile input as a user meets it: a project directory of its own (the base stack, then the case's changes),
/// the command run as a real process under a 1 GiB heap cap and a time limit, then what it printed, what it left
/// in the directory, and whether anything knocked on the hosts' SSH port.
/// </summary>
internal sealed partial class HostileRun : IDisposable
{
    public const string Passphrase = "hostile-table passphrase";
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The hosts the base stack names: loopback addresses of this machine, each with a listener that counts connects.</summary>
    public static readonly string[] HostAddresses = ["127.0.0.21", "127.0.0.22", "127.0.0.23"];

    public DirectoryInfo Project { get; } = Directory.CreateTempSubdirectory("hastack-hostile");
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);
    public string StackName { get; set; } = "h";

    public string StackPath => Path.Combine(Project.FullName, $"Pulumi.{StackName}.yaml");
    public string StatePath => Path.Combine(Project.FullName, ".hastack", "stacks", "hastack", $"{StackName}.json");

    public HostileRun(HostileFixture fixture)
    {
        File.WriteAllText(Path.Combine(Project.FullName, "Pulumi.yaml"), TestStacks.Project);
        File.WriteAllText(StackPath, fixture.BaseStack);
        Environment["PULUMI_CONFIG_PASSPHRASE"] = Passphrase;
        Environment["PULUMI_CONFIG_PASSPHRASE_FILE"] = null;
        Environment["HASTACK_AGENT_BINARY"] = fixture.AgentBinary;
        Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
    }

    public string In(string relative) => Path.Combine(Project.FullName, relative);

    public void Fifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        Exec("mkfifo", path);
    }

    public void Symlink(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        File.CreateSymbolicLink(path, target);
    }

    /// <summary>A file of <paramref name="bytes"/> that takes no disk (sparse).</summary>
    public static void Sparse(string path, long bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        stream.SetLength(bytes);
    }

    private static void Exec(string program, params string[] args)
    {
        using var process = Process.Start(program, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public sealed record Outcome(int Exit, string Output, bool Finished);

    public Outcome Run(string dll, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = Project.FullName };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in Environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Outcome(-1, "", false);
        }
        return new Outcome(process.ExitCode, stdout.Result + stderr.Result, true);
    }

    /// <summary>Every entry under the project (not following symlinks, never opening a file): path, kind, size and time.</summary>
    public IReadOnlyList<string> Snapshot() =>
        Project.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(i => $"{Path.GetRelativePath(Project.FullName, i.FullName)} {(i is FileInfo { LinkTarget: null } f ? f.Length : 0)} {i.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>A .NET stack trace or an abort, which must never reach the user.</summary>
    [GeneratedRegex(@"^\s+at \S+[.(]|Unhandled exception|Stack overflow|Out of memory|core dumped", RegexOptions.Multiline)]
    public static partial Regex Crash();

    public void Dispose() => Project.Delete(recursive: true);
}

/// <summary>What every case shares: an SSH key, a stand-in agent binary, the base stack, and listeners on the hosts' SSH port.</summary>
public sealed class HostileFixture : IDisposable
{
    private readonly DirectoryInfo shared = Directory.CreateTempSubdirectory("hastack-hostile-shared");
    private readonly List<TcpListener> listeners = [];
    private int accepted;

    public string Key => Path.Combine(shared.FullName, "id_ed25519");
    public string AgentBinary => Path.Combine(shared.FullName, "hastack-vrrpd");
    public int SshPort { get; }
    public string BaseStack { get; }
    internal (string Salt, HaStack.Infra.Stack.PassphraseCrypter Crypter) Secrets { get; } = HaStack.Infra.Stack.PassphraseCrypter.Create(HostileRun.Passphrase);

    /// <summary>Connections any listener took: HaStack reaching for a host.</summary>
    public int Contacts => Volatile.Read(ref accepted);

    public HostileFixture()
    {
        using (var keygen = Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Key]))
            keygen.WaitForExit();
        File.WriteAllBytes(AgentBinary, [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        var first = new TcpListener(IPAddress.Parse(HostileRun.HostAddresses[0]), 0);
        first.Start();
        SshPort = ((IPEndPoint)first.LocalEndpoint).Port;
        listeners.Add(first);
        foreach (var address in HostileRun.HostAddresses.Skip(1))
        {
            var listener = new TcpListener(IPAddress.Parse(address), SshPort);
            listener.Start();
            listeners.Add(listener);
        }
        foreach (var listener in listeners)
            _ = Accept(listener);
        BaseStack = $"""
            encryptionsalt: {Secrets.Salt}
            config:
              hastack:hosts:
                - {"{"} name: node1, address: {HostileRun.HostAddresses[0]} {"}"}
                - {"{"} name: node2, address: {HostileRun.HostAddresses[1]} {"}"}
                - {"{"} name: node3, address: {HostileRun.HostAddresses[2]} {"}"}
              hastack:ssh:
                port: {SshPort}
                privateKeyFile: {Key}
                connectTimeoutSeconds: 2
              hastack:vip:
                address: 127.0.0.100/24
              hastack:verify:
                enabled: false

            """;
    }

    private async Task Accept(TcpListener listener)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                Interlocked.Increment(ref accepted);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        foreach (var listener in listeners)
            listener.Stop();
        shared.Delete(recursive: true);
    }
}
