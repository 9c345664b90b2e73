using HaStack.Infra.Graph;

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

    /// <summary><c>Pulumi.Tls.PrivateKey</c>: ECDSA P-256, as the embedded engine makes its keys; its PKCS#8 PEM fills <see cref="ProgramResource.Fills"/>.</summary>
    TlsPrivateKey,

    /// <summary><c>Pulumi.Tls.SelfSignedCert</c>: the cluster's generated CA.</summary>
    TlsSelfSignedCert,

    /// <summary><c>Pulumi.Tls.CertRequest</c>: a host's request, signed by the CA.</summary>
    TlsCertRequest,

    /// <summary><c>Pulumi.Tls.LocallySignedCert</c>: a host's certificate, issued anew within its early-renewal window.</summary>
    TlsLocallySignedCert,
}

/// <summary>
/// A certificate as Pulumi.Tls declares it, with what the embedded engine puts in its own (<c>CertificateAuthority</c>):
/// the subject's common name, the names it is valid for, its validity and early-renewal window in hours, its uses
/// (Pulumi.Tls's names), and the resources its key and request come from.
/// </summary>
internal sealed record TlsCertificateSpec(string CommonName, IReadOnlyList<string> DnsNames, IReadOnlyList<string> IpAddresses,
    int ValidityHours, int EarlyRenewalHours, IReadOnlyList<string> AllowedUses, string KeyResource, string? RequestResource = null);

/// <summary>A file with secrets that a service reads: a change of a secret's value (a renewed certificate) is a change of the file to it.</summary>
internal sealed record SecretRead(string Path, ServiceEffect Effect, string Content);

/// <summary>How the program reaches a host: the stack's address, port and login, and the one host key it pins.</summary>
internal sealed record SshTarget(string Host, string Address, int Port, string User, bool Sudo, string HostKey, int ConnectTimeoutSeconds);

/// <summary>
/// One Pulumi resource as the program declares it. Create, Update and Delete are the command lines the host runs
/// (<c>sh -c '...'</c>, under <c>sudo -n</c> for a non-root login): the very scripts the embedded engine runs.
/// <see cref="Stdin"/> still holds secret tokens; the program fills them in from secret outputs, so the value it
/// passes is secret whenever <see cref="Secrets"/> is not empty. <see cref="Fills"/>: the secret a key's or a certificate's
/// PEM becomes, for the files that carry it; <see cref="Protect"/>: kept through <c>pulumi destroy</c> (what the kept data
/// needs); <see cref="SecretReads"/>: a service's files with secrets, whose filled-in content it is updated (or
/// replaced) by.
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
    string? CopyRemotePath = null,
    string? Fills = null,
    TlsCertificateSpec? Certificate = null,
    bool Protect = false,
    IReadOnlyList<SecretRead>? SecretReads = null)
{
    /// <summary>A secret is involved: the program turns logging off and marks stdout and stderr secret.</summary>
    public bool Sensitive => Secrets is { Count: > 0 };
}

/// <summary>
/// Everything the program declares for a stack: how it reaches each host and every resource, in dependency order;
/// the user's own CA certificate when the stack gives one (its key is a secret of the stack file).
/// </summary>
internal sealed record ProgramPlan(IReadOnlyList<SshTarget> Targets, IReadOnlyList<ProgramResource> Resources, string? GivenCaCertificate = null)
{
    public SshTarget Target(string host) => Targets.Single(t => t.Host == host);
}
