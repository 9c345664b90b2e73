using System.Diagnostics;
using HaStack.Deploy.Remote;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Tests;

/// <summary>
/// The exec request's text, run by a local shell as sshd would run it (the login shell with -c): standard input is
/// settled either way, so the channel never closes before the client's EOF and never waits for one that will not come.
/// </summary>
public class ExecRequestTests
{
    private static Process Start(string commandText)
    {
        var start = new ProcessStartInfo("sh", ["-c", commandText])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start)!;
    }

    [Fact]
    public void A_script_that_ends_without_reading_its_input_still_takes_all_of_it_and_keeps_its_status()
    {
        using var process = Start(ExecRequest.CommandText(new HostScript("fails early", "echo refused >&2; exit 3"), sudo: false, hasInput: true));
        // far more than a pipe holds: without the drain the write fails once the script is gone
        var input = new byte[4 << 20];
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), "the command did not end after its input's EOF");
        Assert.Equal(3, process.ExitCode);
        Assert.Equal("refused", process.StandardError.ReadToEnd().Trim());
    }

    [Fact]
    public void A_script_that_reads_its_input_gets_it_whole()
    {
        using var process = Start(ExecRequest.CommandText(new HostScript("reads", "wc -c"), sudo: false, hasInput: true));
        process.StandardInput.Write("twelve bytes");
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("12", process.StandardOutput.ReadToEnd().Trim());
    }

    [Fact]
    public void A_script_without_input_sees_its_end_at_once_though_the_client_never_sends_an_EOF()
    {
        using var process = Start(ExecRequest.CommandText(new HostScript("reads by mistake", "cat; echo done"), sudo: false, hasInput: false));
        // standard input stays open on purpose, as SSH.NET leaves it when it has nothing to send
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), "a script without input waited for an EOF");
        Assert.Equal("done", process.StandardOutput.ReadToEnd().Trim());
        process.StandardInput.Close();
    }
}
