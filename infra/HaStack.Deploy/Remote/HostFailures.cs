namespace HaStack.Deploy.Remote;

/// <summary>A host that could not be reached (no answer, SSH refused, the login refused): nothing ran there.</summary>
internal sealed class HostUnreachableException(string host, string reason, Exception? inner = null)
    : Exception($"{host} cannot be reached: {reason}", inner)
{
    public string Host { get; } = host;
}

/// <summary>An operation that failed on a host that was reached: what ran, and how it failed.</summary>
internal class HostOperationException(string message) : Exception(message);
