using System.Text;
using HaStack.Infra.Ssh;
using Renci.SshNet;

namespace HaStack.Lab.Tests.Lab;

public sealed record CommandResult(int ExitStatus, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitStatus}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>One lab host, reached over real SSH with the host key checked against the lab's known_hosts.</summary>
public sealed class LabHost(string name, string address, Func<string, int, string, byte[], bool> trusts)
{
    public string Name { get; } = name;
    public string Address { get; } = address;

    public override string ToString() => $"{Name} ({Address})";

    /// <summary>Connects as user with the lab key; refuses a host key that known_hosts does not list.</summary>
    public SshClient Connect(string user = "root")
    {
        var key = new PrivateKeyFile(LabEnvironment.ClientKeyPath);
        var info = new ConnectionInfo(Address, 22, user, new PrivateKeyAuthenticationMethod(user, key))
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        var client = new SshClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = trusts(Address, 22, e.HostKeyName, e.HostKey);
        client.Connect();
        return client;
    }

    public CommandResult Run(string command, string user = "root", string? stdin = null, TimeSpan? timeout = null)
    {
        using var client = Connect(user);
        return Run(client, command, stdin, timeout);
    }

    public static CommandResult Run(SshClient client, string command, string? stdin = null, TimeSpan? timeout = null)
    {
        using var running = RunningCommand.Start(client, command, stdin, timeout);
        return running.Wait();
    }

    /// <summary>Starts command on its own connection and returns at once; Wait() collects the result.</summary>
    public RunningCommand Start(string command, string? stdin = null, TimeSpan? timeout = null) =>
        RunningCommand.Start(Connect(), command, stdin, timeout, ownsClient: true);

    /// <summary>Runs command and fails the test with its output unless it exits 0.</summary>
    public string Check(string command, string user = "root", string? stdin = null, TimeSpan? timeout = null)
    {
        var result = Run(command, user, stdin, timeout);
        Assert.True(result.ExitStatus == 0, $"{Name}: `{command}` as {user} failed: {result}");
        return result.Stdout;
    }
}

/// <summary>A command in flight on a lab host.</summary>
public sealed class RunningCommand : IDisposable
{
    private readonly SshClient client;
    private readonly SshCommand command;
    private readonly IAsyncResult pending;
    private readonly bool ownsClient;

    private RunningCommand(SshClient client, SshCommand command, IAsyncResult pending, bool ownsClient)
    {
        this.client = client;
        this.command = command;
        this.pending = pending;
        this.ownsClient = ownsClient;
    }

    public static RunningCommand Start(SshClient client, string text, string? stdin, TimeSpan? timeout, bool ownsClient = false)
    {
        var command = client.CreateCommand(text);
        command.CommandTimeout = timeout ?? TimeSpan.FromSeconds(60);
        var pending = command.BeginExecute();
        if (stdin != null)
        {
            using var input = command.CreateInputStream();
            input.Write(Encoding.UTF8.GetBytes(stdin));
        }
        return new RunningCommand(client, command, pending, ownsClient);
    }

    public CommandResult Wait()
    {
        command.EndExecute(pending);
        return new CommandResult(command.ExitStatus ?? -1, command.Result, command.Error);
    }

    public void Dispose()
    {
        command.Dispose();
        if (ownsClient)
            client.Dispose();
    }
}
