using HaStack.Deploy.Status;

namespace HaStack.Deploy.Cluster;

/// <summary>Which servers HAProxy sends a proxy's connections to, read from its statistics CSV (<see cref="StatusParsers.ProxyServers"/>).</summary>
internal static class HaproxyServers
{
    /// <summary>
    /// The servers of <paramref name="proxy"/> that take connections now: status UP, including "UP 1/2" (failing
    /// checks, not yet taken out). Empty when the CSV cannot be read or has no such proxy.
    /// </summary>
    public static IReadOnlyList<string> Up(string response, string proxy)
    {
        try
        {
            return StatusParsers.ProxyServers("", response, [proxy])
                .Where(s => s.Status == "UP" || s.Status.StartsWith("UP ", StringComparison.Ordinal))
                .Select(s => s.Server)
                .ToList();
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
