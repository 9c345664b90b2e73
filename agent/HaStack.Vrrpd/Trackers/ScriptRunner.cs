using System.Diagnostics;
using HaStack.Vrrp.Config;

namespace HaStack.Vrrpd.Trackers;

/// <summary>
/// Runs a vrrp_script every interval, without a shell, as an unprivileged user (setpriv when we are root),
/// killing it at its timeout. Reports each run's success; rise/fall are counted by the daemon.
/// </summary>
internal sealed class ScriptRunner(string key, ScriptTrackerConfig script, string? user, Action<string, bool> report, Action<string> log)
{
    public void Run(CancellationToken stop)
    {
        var next = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            report(key, RunOnce(script.Command, user, script.Timeout, log));
            next += (long)(script.Interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
                stop.WaitHandle.WaitOne(wait);
            else
                next = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Runs command (words split on spaces, no shell); true when it exits 0 within timeout.</summary>
    public static bool RunOnce(string command, string? user, TimeSpan timeout, Action<string> log)
    {
        try
        {
            using var process = Process.Start(StartInfo(command, user))!;
            if (process.WaitForExit(timeout))
                return process.ExitCode == 0;
            process.Kill(entireProcessTree: true);
            log($"script '{command}' timed out after {timeout.TotalSeconds:0.###} s");
            return false;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log($"script '{command}' cannot run: {e.Message}");
            return false;
        }
    }

    /// <summary>Starts a notify script the same way, without waiting for it.</summary>
    public static void Launch(string command, IEnumerable<string> extraArguments, string? user, Action<string> log)
    {
        try
        {
            var start = StartInfo(command, user);
            foreach (var argument in extraArguments)
                start.ArgumentList.Add(argument);
            Process.Start(start)?.Dispose();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log($"notify script '{command}' cannot run: {e.Message}");
        }
    }

    private static ProcessStartInfo StartInfo(string command, string? user)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        ProcessStartInfo start;
        if (user is not null && asRoot && user != "root")
        {
            // numeric ids: a user's primary group is often not named after it (nobody's is nogroup)
            var (uid, gid) = UserIds(user) ?? throw new System.ComponentModel.Win32Exception($"no user {user} in /etc/passwd");
            start = new ProcessStartInfo("setpriv");
            foreach (var argument in new[] { $"--reuid={uid}", $"--regid={gid}", "--init-groups", "--" })
                start.ArgumentList.Add(argument);
            foreach (var word in words)
                start.ArgumentList.Add(word);
        }
        else
        {
            start = new ProcessStartInfo(words[0]);
            foreach (var word in words.Skip(1))
                start.ArgumentList.Add(word);
        }
        // no pipes back to us: a script's output goes where ours goes (the journal), and it can never block
        // on a pipe we do not read; reading pipes would cost the daemon threads and buffers every second
        start.UseShellExecute = false;
        return start;
    }

    private static (string Uid, string Gid)? UserIds(string user)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == user)
                return (fields[2], fields[3]);
        }
        return null;
    }

    /// <summary>keepalived's choice: script_user, else keepalived_script if it exists, else nobody.</summary>
    public static string DefaultUser(string? configured)
    {
        if (configured is not null)
            return configured;
        try
        {
            return File.ReadLines("/etc/passwd").Any(l => l.StartsWith("keepalived_script:", StringComparison.Ordinal)) ? "keepalived_script" : "nobody";
        }
        catch (IOException)
        {
            return "nobody";
        }
    }
}
