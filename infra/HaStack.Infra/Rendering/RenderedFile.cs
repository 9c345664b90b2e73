namespace HaStack.Infra.Rendering;

/// <summary>
/// A file HaStack puts on a host, its secrets still as tokens. <see cref="Host"/> is null for cluster-wide
/// content that the engine runs rather than writes (the SQL setup). <see cref="CheckAsAgentConfig"/>: the engine reads it
/// with the agent's own config reader before it writes it (a config the agent would refuse never reaches a host).
/// </summary>
internal sealed record RenderedFile(string? Host, string Path, string Mode, string Owner, string Group, string Content, FileEffect Effect, bool CheckAsAgentConfig = false)
{
    public IReadOnlyList<string> SecretNames => SecretTokens.NamesIn(Content);
}

/// <summary>What a change to the file asks of the service that reads it.</summary>
internal enum FileEffect
{
    /// <summary>Read when packages install: it must be in place before them (Debian's auto-start and auto-create guards).</summary>
    InstallGuard,

    /// <summary>Read afresh each time it is used (a health-check script, the SQL setup).</summary>
    None,
    Reload,
    Restart,
}
