namespace HaStack.Pulumi.Mapping;

/// <summary>Which Pulumi resource type a graph resource becomes.</summary>
internal enum ProgramResourceKind
{
    /// <summary><c>Pulumi.Command.Remote.Command</c>: a host operation over SSH.</summary>
    RemoteCommand,

    /// <summary><c>Pulumi.Random.RandomPassword</c>: a generated password.</summary>
    RandomPassword,

    /// <summary><c>Pulumi.Command.Remote.CopyToRemote</c>: the agent binary, uploaded to a staging path.</summary>
    CopyToRemote,

    /// <summary><c>Pulumi.Command.Local.Command</c>: the failover proof, run by <c>hastack verify</c> on the machine running pulumi.</summary>
    LocalCommand,
}

/// <summary>How the program reaches a host: the stack's address, port and login, and the one host key it pins.</summary>
internal sealed record SshTarget(string Host, string Address, int Port, string User, bool Sudo, string HostKey, int ConnectTimeoutSeconds);

/// <summary>
/// One Pulumi resource as the program declares it. Create, Update and Delete are the command lines the host runs
/// (<c>sh -c '...'</c>, under <c>sudo -n</c> for a non-root login): the very scripts the embedded engine runs.
/// <see cref="Stdin"/> still holds secret tokens; the program fills them in from secret outputs, so the value it
/// passes is secret whenever <see cref="Secrets"/> is not empty.
/// </summary>
internal sealed record ProgramResource(
    string Name,
    string GraphId,
    ProgramResourceKind Kind,
    string? Host,
    IReadOnlyList<string> DependsOn,
    string? Create = null,
    string? Update = null,
    string? Delete = null,
    string? Stdin = null,
    IReadOnlyList<string>? Secrets = null,
    IReadOnlyList<string>? Triggers = null,
    bool DeleteBeforeReplace = false,
    int PasswordLength = 0,
    string? CopySource = null,
    string? CopyRemotePath = null)
{
    /// <summary>A secret is involved: the program turns logging off and marks stdout and stderr secret.</summary>
    public bool Sensitive => Secrets is { Count: > 0 };
}

/// <summary>Everything the program declares for a stack: how it reaches each host and every resource, in dependency order.</summary>
internal sealed record ProgramPlan(IReadOnlyList<SshTarget> Targets, IReadOnlyList<ProgramResource> Resources)
{
    public SshTarget Target(string host) => Targets.Single(t => t.Host == host);
}
