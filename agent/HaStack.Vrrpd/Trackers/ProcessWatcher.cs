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

    // each scan reads every process's stat file: while they live there is nothing to look for that often
    private static readonly TimeSpan HealthyRescan = TimeSpan.FromSeconds(5);

    public static int Count(string processName) => Find(processName).Count;

    public void Run(CancellationToken stop)
    {
        bool? last = null;
        while (!stop.IsCancellationRequested)
        {
            var pids = Find(processName);
            var healthy = pids.Count >= quorum;
            if (healthy != last && !stop.IsCancellationRequested)
            {
                report(key, healthy);
                last = healthy;
            }
            if (pids.Count == 0)
            {
                stop.WaitHandle.WaitOne(Rescan);
                continue;
            }
            // an exit wakes the wait at once; the timeout only picks up newcomers (a reload's new worker) and a stop
            WaitForAnyExit(pids, healthy ? HealthyRescan : Rescan);
        }
    }

    // Blocks until one of pids exits, or timeout (then the caller rescans for newcomers).
    private static void WaitForAnyExit(List<int> pids, TimeSpan timeout)
    {
        var fds = new Native.PollFd[pids.Count];
        var open = 0;
        try
        {
            foreach (var pid in pids)
            {
                var fd = Native.PidfdOpen(pid);
                if (fd < 0)
                    return; // gone between the scan and now: rescan at once (the ones opened are closed below)
                fds[open++] = new Native.PollFd { Fd = fd, Events = Native.POLLIN };
            }
            Native.poll(fds.AsSpan(0, open), (nuint)open, (int)timeout.TotalMilliseconds);
        }
        finally
        {
            for (var i = 0; i < open; i++)
                Native.close(fds[i].Fd);
        }
    }

    /// <summary>Live (not zombie) processes whose name is processName (Linux keeps 15 characters of it).</summary>
    /// <remarks>
    /// Runs every 5 s (every 200 ms while unhealthy) for as long as the daemon lives, over every process of the host: each stat file is read
    /// into one stack buffer and compared as bytes, so a scan makes almost no garbage (reading them as strings
    /// cost the daemon about 8 MB of resident memory in garbage waiting for collection).
    /// </remarks>
    private static List<int> Find(string processName)
    {
        Span<byte> name = stackalloc byte[64];
        var nameLength = System.Text.Encoding.UTF8.GetBytes(processName.Length > 15 ? processName[..15] : processName, name);
        name = name[..nameLength];
        Span<byte> stat = stackalloc byte[512];
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var entry = dir.AsSpan(6); // after "/proc/"
            if (!int.TryParse(entry, out var pid))
                continue;
            int length;
            try
            {
                using var handle = File.OpenHandle($"/proc/{pid}/stat");
                length = RandomAccess.Read(handle, stat, 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // "PID (comm) STATE ...": comm may hold spaces and parentheses, so take the last ')'
            var text = stat[..length];
            var open = text.IndexOf((byte)'(');
            var close = text.LastIndexOf((byte)')');
            if (open < 0 || close < open || close + 2 >= length)
                continue;
            if (text[(open + 1)..close].SequenceEqual(name) && text[close + 2] != (byte)'Z')
                found.Add(pid);
        }
        return found;
    }
}
