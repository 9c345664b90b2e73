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

/// <summary>What an operation is, for whoever must tell operations apart without reading their text (the tests' fake hosts).</summary>
internal enum HostOperationKind
{
    Other,
    WriteFile,
    ReadFile,
    InstallPackages,
    ReadPackages,
    StartService,
    StopService,
    ReadService,
    Systemctl,
    FindPrimary,
    RunSql,
    VipLookup,
    HaproxyServers,
    PgBouncerPause,
    PgBouncerResume,
    PatroniMembers,
    PatroniSynchronousStandbys,
    PatroniSwitchover,
    PatroniRestart,
    PatroniConfigWrite,
    PatroniConfigRead,
    EtcdJoin,
    EtcdLeave,
}

/// <summary>
/// One operation on a host, as the text both engines run (the embedded one over SSH, the Pulumi program as a
/// Remote.Command): a POSIX shell script in which every value went through <see cref="Shell.Quote"/>.
/// </summary>
internal sealed record HostScript(string What, string Text, ScriptInput Input = ScriptInput.None, int TimeoutSeconds = 300)
{
    /// <summary>What kind of operation this is; <see cref="Subject"/>: what it acts on (a path, a member, a unit), when that says more.</summary>
    public HostOperationKind Kind { get; init; }

    public string? Subject { get; init; }

    /// <summary>
    /// The command line that runs the script on a host: <c>timeout -k 10 SECONDS sh -c 'TEXT'</c>, under <c>sudo -n</c>
    /// for a login that is not root. What an SSH exec request carries, in either engine: the host itself ends a script
    /// that outlives its bound (a held dpkg lock), whether or not the client is still there to give up, and the
    /// status is the script's own (124 when the bound ended it).
    /// </summary>
    public string CommandLine(bool sudo) =>
        $"{(sudo ? "sudo -n " : "")}timeout -k 10 {TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} sh -c {Shell.Quote(Text)}";
}
