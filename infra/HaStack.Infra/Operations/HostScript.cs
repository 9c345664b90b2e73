namespace HaStack.Infra.Operations;

/// <summary>What a script reads on standard input.</summary>
internal enum ScriptInput
{
    None,

    /// <summary>The resource's content with its secrets filled in (a file, the SQL setup): never on a command line.</summary>
    Content,

    /// <summary>The agent's native binary.</summary>
    AgentBinary,
}

/// <summary>
/// One operation on a host, as the text both engines run (the embedded one over SSH, the Pulumi program as a
/// Remote.Command): a POSIX shell script in which every value went through <see cref="Shell.Quote"/>.
/// </summary>
internal sealed record HostScript(string What, string Text, ScriptInput Input = ScriptInput.None, int TimeoutSeconds = 300)
{
    /// <summary>
    /// The command line that runs the script on a host: <c>sh -c 'TEXT'</c>, under <c>sudo -n</c> for a login that
    /// is not root. What an SSH exec request carries, in either engine.
    /// </summary>
    public string CommandLine(bool sudo) => (sudo ? "sudo -n sh -c " : "sh -c ") + Shell.Quote(Text);
}
