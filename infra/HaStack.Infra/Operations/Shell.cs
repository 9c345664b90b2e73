namespace HaStack.Infra.Operations;

/// <summary>The one way a value enters a shell command: as a single-quoted word, whatever it holds.</summary>
internal static class Shell
{
    /// <summary>
    /// <c>'...'</c> with each <c>'</c> written as <c>'\''</c>: the shell reads the value back byte for byte, so no value
    /// can end the word, start another command or expand anything. A NUL cannot be carried and is refused.
    /// </summary>
    public static string Quote(string value) =>
        value.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException("a shell word cannot hold a NUL character", nameof(value))
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
