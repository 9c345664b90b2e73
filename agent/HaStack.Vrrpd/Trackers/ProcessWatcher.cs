using HaStack.Vrrpd.Linux;

namespace HaStack.Vrrpd.Trackers;

/// <summary>
/// Watches the processes with a given name (/proc/PID/stat's comm) through pidfds: a process's exit wakes the
/// watcher at once, with no polling and no fork. Works in a container, where keepalived's proc connector does
/// not answer. Reports healthy while at least quorum of them live.
/// </summary>
internal sealed class ProcessWatcher(string key, string processName, int quorum, Action<string, bool> report)
{
    private static readonly TimeSpan Rescan = TimeSpan.FromMilliseconds(200);

    public static int Count(string processName) => Find(processName).Count;

    public void Run(CancellationToken stop)
    {
        bool? last = null;
        while (!stop.IsCancellationRequested)
        {
            var pids = Find(processName);
            var healthy = pids.Count >= quorum;
            if (healthy != last)
            {
                report(key, healthy);
                last = healthy;
            }
            if (pids.Count == 0)
            {
                stop.WaitHandle.WaitOne(Rescan);
                continue;
            }
            WaitForAnyExit(pids, Rescan * 5);
        }
    }

    // Blocks until one of pids exits, or timeout (then the caller rescans for newcomers).
    private static void WaitForAnyExit(List<int> pids, TimeSpan timeout)
    {
        var fds = new Native.PollFd[pids.Count];
        var open = 0;
        foreach (var pid in pids)
        {
            var fd = Native.PidfdOpen(pid);
            if (fd < 0)
                return; // gone between the scan and now: rescan at once
            fds[open++] = new Native.PollFd { Fd = fd, Events = Native.POLLIN };
        }
        try
        {
            Native.poll(fds.AsSpan(0, open), (nuint)open, (int)timeout.TotalMilliseconds);
        }
        finally
        {
            for (var i = 0; i < open; i++)
                Native.close(fds[i].Fd);
        }
    }

    /// <summary>Live (not zombie) processes whose name is processName (Linux keeps 15 characters of it).</summary>
    private static List<int> Find(string processName)
    {
        var name = processName.Length > 15 ? processName[..15] : processName;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                continue;
            }
            // "PID (comm) STATE ...": comm may hold spaces and parentheses, so take the last ')'
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length)
                continue;
            if (stat[(open + 1)..close] == name && stat[close + 2] != 'Z')
                found.Add(pid);
        }
        return found;
    }
}
