namespace HaStack.Deploy.Verification;

/// <summary>The one way the proof, the fault matrix and the switchover wait: a condition asked again until it holds or time is up.</summary>
internal static class Poll
{
    /// <summary>
    /// Asks <paramref name="condition"/> every <paramref name="interval"/> until it holds (true) or
    /// <paramref name="limit"/> has passed since the first ask (false). Always asks at least once.
    /// </summary>
    public static bool Until(Func<bool> condition, TimeSpan limit, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Thread.Sleep(interval);
        }
        return true;
    }
}
