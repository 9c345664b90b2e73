namespace HaStack.Deploy.Verification;

/// <summary>One write a client tried through the VIP: when it started and ended on the run's clock, and how it ended.</summary>
internal readonly record struct WriteAttempt(long Id, TimeSpan Started, TimeSpan Ended, bool Acknowledged, string? Error)
{
    public TimeSpan Took => Ended - Started;
}

/// <summary>What a client saw through the VIP between two moments: the figures a fault is judged by.</summary>
/// <param name="FailedWrites">writes that ended in an error</param>
/// <param name="LongestGap">the longest time without an acknowledged write (from the last one before the window)</param>
/// <param name="LongestWrite">the longest a single write took to end, either way: a client left hanging shows here</param>
/// <param name="Recovered">whether a write was acknowledged after the window opened</param>
internal sealed record WindowFigures(int FailedWrites, TimeSpan LongestGap, TimeSpan LongestWrite, bool Recovered, int Acknowledged)
{
    /// <summary>How the longest write ended when it failed (a connect timeout and a reset mean different faults), else null.</summary>
    public string? LongestWriteError { get; init; }
}

/// <summary>
/// Every write attempt of a client, in the order they ended, and the figures of any window of it. Pure
/// bookkeeping: the writer adds, the fault matrix asks; safe for one writer and any number of readers.
/// </summary>
internal sealed class WriteLog
{
    private readonly List<WriteAttempt> attempts = [];
    private readonly object gate = new();

    public void Add(WriteAttempt attempt)
    {
        lock (gate)
            attempts.Add(attempt);
    }

    public IReadOnlyList<WriteAttempt> Snapshot()
    {
        lock (gate)
            return attempts.ToList();
    }

    public IReadOnlyList<long> AcknowledgedIds => Snapshot().Where(a => a.Acknowledged).Select(a => a.Id).ToList();

    /// <summary>Acknowledged writes that ended after <paramref name="since"/>.</summary>
    public int AcknowledgedSince(TimeSpan since) => Snapshot().Count(a => a.Acknowledged && a.Ended > since);

    /// <summary>
    /// The figures between <paramref name="from"/> and <paramref name="to"/>: a write counts in the window when it
    /// ended in it; the gap runs from the last acknowledgement before the window (or its start) to the first in
    /// it, between acknowledgements in it, and from the last one to the window's end.
    /// </summary>
    public WindowFigures Window(TimeSpan from, TimeSpan to)
    {
        var all = Snapshot();
        var inWindow = all.Where(a => a.Ended > from && a.Ended <= to).ToList();
        var previous = all.Where(a => a.Acknowledged && a.Ended <= from).Select(a => a.Ended).DefaultIfEmpty(from).Max();
        var gap = TimeSpan.Zero;
        var recovered = false;
        foreach (var ack in inWindow.Where(a => a.Acknowledged).Select(a => a.Ended).Order())
        {
            gap = Max(gap, ack - previous);
            previous = ack;
            recovered = true;
        }
        gap = Max(gap, to - previous);
        var longest = inWindow.OrderByDescending(a => a.Took).FirstOrDefault();
        return new WindowFigures(inWindow.Count(a => !a.Acknowledged), gap, longest.Took, recovered, inWindow.Count(a => a.Acknowledged))
        {
            LongestWriteError = longest.Error,
        };
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
