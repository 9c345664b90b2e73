using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaStack.Deploy.Engine;
using HaStack.Deploy.Remote;
using HaStack.Infra.Config;
using HaStack.Infra.Ssh;

namespace HaStack.Deploy.Tests;

/// <summary>
/// A host that cannot be reached and an operation that fails on a host that was are two errors of their own, each
/// reported as a host's failure; an error of HaStack's own (an InvalidOperationException) is not taken for either.
/// The unreachable hosts here are loopback ports: one nobody listens on, one that hangs up before SSH's greeting.
/// </summary>
public sealed class HostFailureTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-unreachable");

    public void Dispose() => dir.Delete(recursive: true);

    private SshSettings Ssh()
    {
        var key = Path.Combine(dir.FullName, "id_ed25519");
        if (!File.Exists(key))
        {
            using var keygen = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]) { RedirectStandardOutput = true })!;
            Assert.True(keygen.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        return new SshSettings("root", key, null, Sudo: false, Port: 22, ConnectTimeoutSeconds: 3);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public void A_port_nobody_listens_on_is_an_unreachable_host_named_with_its_address()
    {
        var port = FreePort();
        var error = Assert.Throws<HostUnreachableException>(() => new HostSession(new HostConfig("node9", "127.0.0.1", port, null, [], null), Ssh(), KnownHosts.Parse("")));
        Assert.Equal("node9", error.Host);
        Assert.StartsWith($"node9 cannot be reached: 127.0.0.1:{port} as root: ", error.Message, StringComparison.Ordinal);
        Assert.True(StackVerb.IsHostFailure(error));
    }

    [Fact]
    public async Task A_server_that_hangs_up_before_ssh_begins_is_an_unreachable_host_too()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var hangUp = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
        });
        try
        {
            Assert.Throws<HostUnreachableException>(() => new HostSession(new HostConfig("node9", "127.0.0.1", port, null, [], null), Ssh(), KnownHosts.Parse("")));
        }
        finally
        {
            listener.Stop();
            await hangUp.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void An_operation_that_fails_is_a_host_operation_failure_and_a_bug_is_not_a_host_failure()
    {
        var failed = new RemoteCommandException("node1", "starting etcd", new RemoteResult(1, "", "etcd not ready"));
        Assert.IsAssignableFrom<HostOperationException>(failed);
        Assert.True(StackVerb.IsHostFailure(failed));
        Assert.True(StackVerb.IsHostFailure(new HostKeyMismatchException("node1 presented another key")));
        Assert.False(StackVerb.IsHostFailure(new InvalidOperationException("Sequence contains no elements")));
        Assert.False(StackVerb.IsHostFailure(new ArgumentException("a bad argument")));
    }
}
