using HaStack.Deploy.Remote;
using HaStack.Infra.Operations;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests;

/// <summary>The engine's SSH session against a real sshd: every command's result comes back, however fast it ends.</summary>
[Collection(LabTestGroup.Name)]
public class HostSessionTests(LabFixture fixture)
{
    private readonly LabEnvironment lab = fixture.Lab;

    [Fact]
    public void Commands_that_end_at_once_return_their_result_even_when_many_run_side_by_side()
    {
        // a command that ends before its input stream is opened once failed a whole up ("the input stream can be
        // used only during execution"); side-by-side commands on one session keep SSH.NET's receive loop busy,
        // which is what widens that window
        var config = LabEnvironment.LabStack(lab);
        var host = config.Hosts[0];
        using var session = new HostSession(host, config.Ssh, Infra.Ssh.SshFiles.ReadKnownHosts(config.Ssh));
        var quick = new HostScript("ends at once", "exit 0");
        var failsUnread = new HostScript("fails without reading its input", "exit 3");
        var reads = new HostScript("reads its input", "cat");
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<string>();

        Parallel.For(0, 600, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i =>
        {
            try
            {
                var result = (i % 3) switch
                {
                    0 => (Expected: 0, Output: "", Got: session.Run(quick)),
                    1 => (Expected: 3, Output: "", Got: session.Run(failsUnread, "unread"u8.ToArray())),
                    _ => (Expected: 0, Output: $"input {i}", Got: session.Run(reads, System.Text.Encoding.UTF8.GetBytes($"input {i}"))),
                };
                if (result.Got.ExitStatus != result.Expected || result.Got.Stdout != result.Output)
                    outcomes.Enqueue($"command {i}: exit {result.Got.ExitStatus}, stdout '{result.Got.Stdout}'");
            }
            catch (Exception e)
            {
                outcomes.Enqueue($"command {i}: {e.GetType().Name}: {e.Message}");
            }
        });

        Assert.True(outcomes.IsEmpty, $"{outcomes.Count} of 600 commands on {host.Name} went wrong: {string.Join("; ", outcomes.Take(5))}");
    }
}
