using HaStack.Infra.Rendering;
using System.Security.Cryptography;
using System.Text;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Infra.Tls;
using HaStack.Infra.Topology;

namespace HaStack.Pulumi.Mapping;

/// <summary>A host the program cannot pin: pulumi-command ignores host keys unless one is given, so HaStack refuses.</summary>
internal sealed class UnpinnedHostException(string message) : Exception(message);

/// <summary>
/// The stack's resource graph as Pulumi resources, one (or, for the agent binary, two) per graph resource, named
/// after it, with the graph's dependencies and the operation text <see cref="ResourceOperations"/> gives the
/// embedded engine. Pure: the caller supplies each host's pinned key and the agent binary's local path.
/// </summary>
internal static class ProgramMapper
{
    /// <param name="hostKeyOf">the host's key to pin (<see cref="HostKeyPins.Resolve"/>), or why there is none</param>
    /// <param name="agentBinary">the local path of the agent binary the program uploads</param>
    public static ProgramPlan Map(StackPlan plan, Func<HostConfig, HostKeyPin> hostKeyOf, string agentBinary)
    {
        var config = plan.Config;
        var targets = new List<SshTarget>();
        var unpinned = new List<string>();
        foreach (var host in config.Hosts)
        {
            var pin = hostKeyOf(host);
            if (pin.Key is not { } key || !Names.HostKey().IsMatch(key) || key.StartsWith("SHA256:", StringComparison.Ordinal))
                unpinned.Add(pin.Problem ?? $"{host.Name}: '{TextRules.Printable(pin.Key ?? "")}' is not a host key in authorized_keys form");
            var user = host.SshUser ?? config.Ssh.User;
            targets.Add(new SshTarget(host.Name, host.Address, HostPort(config, host), user,
                user != "root" && config.Ssh.Sudo, pin.Key ?? "", config.Ssh.ConnectTimeoutSeconds));
        }
        if (unpinned.Count > 0)
            throw new UnpinnedHostException(string.Join("\n", unpinned));

        var sudo = targets.ToDictionary(t => t.Host, t => t.Sudo, StringComparer.Ordinal);
        // what each graph resource is declared as (the SQL setup is one command per database host): its dependents depend on all of it
        var declaredAs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var resources = new List<ProgramResource>();
        string? givenCa = null;
        foreach (var resource in plan.Graph.Resources)
        {
            var name = NameOf(resource);
            if (EmbeddedEngineOnly(resource))
            {
                declaredAs[resource.Id] = [];
                continue;
            }
            declaredAs[resource.Id] = [name];
            var deps = resource.DependsOn.SelectMany(d => declaredAs[d]).ToList();
            string Line(HostScript? script) => script!.CommandLine(sudo[resource.Host!]);
            var scripts = ResourceOperations.Of(resource.Spec);
            switch (resource.Spec)
            {
                case PasswordInputs password:
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RandomPassword, null, deps, PasswordLength: password.Length, Protect: true));
                    break;
                case AuthorityInputs { GivenCertificate: not null } given:
                    // the user's own CA: its certificate from the stack file, its key a secret of it; nothing to declare
                    givenCa = given.GivenCertificate;
                    declaredAs[resource.Id] = [];
                    break;
                case AuthorityInputs authority:
                    // a CA the host certificates of kept data directories were issued by: kept through destroy, like the passwords
                    resources.Add(new ProgramResource($"{name}-key", resource.Id, ProgramResourceKind.TlsPrivateKey, null, deps, Fills: TlsSecrets.CaKey, Protect: true));
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.TlsSelfSignedCert, null, [.. deps, $"{name}-key"], Fills: TlsSecrets.CaCertificate,
                        Certificate: new TlsCertificateSpec(CertificateAuthority.CaCommonName(authority.Stack), [], [], authority.Days * 24, 0, ["cert_signing", "crl_signing"], $"{name}-key"),
                        Protect: true));
                    break;
                case CertificateInputs certificate:
                    // a key and a request per host, signed by the CA; within renewDaysBefore of its end the provider issues it anew
                    resources.Add(new ProgramResource($"{name}-key", resource.Id, ProgramResourceKind.TlsPrivateKey, null, [], Fills: TlsSecrets.Key(certificate.Host)));
                    var spec = new TlsCertificateSpec(CertificateAuthority.HostCommonName(certificate.Host), certificate.DnsNames, certificate.Addresses, certificate.Days * 24,
                        certificate.RenewDaysBefore * 24, ["digital_signature", "key_agreement", "server_auth", "client_auth"], $"{name}-key", $"{name}-request");
                    resources.Add(new ProgramResource($"{name}-request", resource.Id, ProgramResourceKind.TlsCertRequest, null, [$"{name}-key"], Certificate: spec));
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.TlsLocallySignedCert, null, [.. deps, $"{name}-request"],
                        Fills: TlsSecrets.Certificate(certificate.Host), Certificate: spec));
                    break;
                case FileInputs file:
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RemoteCommand, resource.Host, deps,
                        Create: Line(scripts.Create), Update: Line(scripts.Create), Delete: Line(scripts.Delete), Stdin: file.Content, Secrets: resource.SecretRefs));
                    break;
                case PackagesInputs:
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RemoteCommand, resource.Host, deps,
                        Create: Line(scripts.Create), Update: Line(scripts.Create)));
                    break;
                case AgentBinaryInputs binary:
                    // uploaded by CopyToRemote to a path named by its hash, then installed like the embedded engine writes it
                    var upload = new ProgramResource($"{name}-upload", resource.Id, ProgramResourceKind.CopyToRemote, resource.Host, deps,
                        CopySource: agentBinary, CopyRemotePath: HostOperations.AgentUploadPath(binary));
                    resources.Add(upload);
                    var install = HostOperations.InstallUploadedAgent(binary);
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RemoteCommand, resource.Host, [.. deps, upload.Name],
                        Create: install.CommandLine(sudo[resource.Host!]), Update: install.CommandLine(sudo[resource.Host!]), Delete: Line(scripts.Delete)));
                    break;
                case ServiceInputs service:
                    // what it reads decides how a change reaches it: a changed reloadable file changes standard input
                    // (an update: reload), a file read at start is a trigger (a replace: stop, then start again)
                    var reloads = service.Reads.Where(r => r.Effect == ServiceEffect.Reload).Select(r => $"{r.Path} {r.Hash}\n");
                    var restarts = service.Reads.Where(r => r.Effect == ServiceEffect.Restart).Select(r => $"{r.Path} {r.Hash}").ToList();
                    // a file with secrets changes for it when a secret's value does (a renewed certificate, a new password):
                    // the program adds its filled-in content's hash (SecretReads) to the reloads or the triggers
                    var secretReads = service.Reads.Select(r => plan.Graph.Contains($"{ResourceTypes.File}::{resource.Host}:{r.Path}")
                            ? plan.Graph[$"{ResourceTypes.File}::{resource.Host}:{r.Path}"] : null)
                        .Zip(service.Reads).Where(p => p.First is { SecretRefs.Count: > 0 })
                        .Select(p => new SecretRead(p.Second.Path, p.Second.Effect, ((FileInputs)p.First!.Spec).Content)).ToList();
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RemoteCommand, resource.Host, deps,
                        Create: Line(scripts.Create), Update: Line(scripts.Update(service.Reads.Any(r => r.Effect == ServiceEffect.Reload) ? ServiceEffect.Reload : ServiceEffect.None)),
                        Delete: Line(scripts.Delete), Stdin: string.Concat(reloads), Triggers: restarts, DeleteBeforeReplace: true,
                        Secrets: [.. secretReads.SelectMany(r => SecretTokens.NamesIn(r.Content)).Distinct().Order(StringComparer.Ordinal)], SecretReads: secretReads));
                    break;
                case SqlSetupInputs setup:
                    // Pulumi cannot aim at whichever host is the primary when it runs: each database host runs it if it is
                    foreach (var target in setup.Targets)
                    {
                        var script = HostOperations.RunSqlIfPrimary(target, setup.Targets);
                        resources.Add(new ProgramResource($"{name}-{target.Host}", resource.Id, ProgramResourceKind.RemoteCommand, target.Host, deps,
                            Create: script.CommandLine(sudo[target.Host]), Update: script.CommandLine(sudo[target.Host]), Stdin: setup.Script, Secrets: resource.SecretRefs));
                    }
                    declaredAs[resource.Id] = [.. setup.Targets.Select(t => $"{name}-{t.Host}")];
                    break;
                case PatroniConfigInputs dcs:
                    // from the first database host, through each database host's REST API until one takes it (the embedded
                    // engine tries each host in turn); the password travels on standard input
                    var put = HostOperations.PutPatroniConfigThroughAny(dcs.Targets);
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.RemoteCommand, dcs.Targets[0].Host, deps,
                        Create: put.CommandLine(sudo[dcs.Targets[0].Host]), Update: put.CommandLine(sudo[dcs.Targets[0].Host]),
                        Stdin: PatroniConfigInputs.PasswordToken + "\n" + PatroniDynamicConfig.ToJson(dcs.Settings),
                        Secrets: resource.SecretRefs));
                    break;
                case VerificationInputs verification when verification.Enabled:
                    // the proof runs where pulumi runs: `hastack verify --from-engine` reads the stack as the engine gave it
                    // and the superuser password as JSON on standard input (the program writes it, secret) and prints
                    // its figures as JSON; it runs again whenever anything in the graph changed
                    var graphHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", plan.Graph.Resources.Select(r => r.InputHash)))));
                    resources.Add(new ProgramResource(name, resource.Id, ProgramResourceKind.LocalCommand, null, deps,
                        Create: $"hastack verify --stack {Shell.Quote(config.Stack)} --from-engine --json", Secrets: [SecretNames.PostgresSuperuser], Triggers: [graphHash]));
                    break;
                case VerificationInputs:
                    break;
                default:
                    throw new InvalidOperationException($"{resource.Type} has no Pulumi mapping");
            }
        }
        return new ProgramPlan(targets, resources, givenCa);
    }

    /// <summary>
    /// What the Pulumi program does not declare yet: the rolling restart. The embedded engine deploys it; the planned
    /// orchestration steps (<see cref="ResourceKind.Transient"/>) are its alone too.
    /// </summary>
    public static bool EmbeddedEngineOnly(Resource resource) => resource.Type is ResourceTypes.RollingRestart;

    /// <summary>The SSH port of <paramref name="host"/>: its own, else the stack's.</summary>
    public static int HostPort(StackConfig config, HostConfig host) => host.SshPort > 0 ? host.SshPort : config.Ssh.Port;

    /// <summary>The graph resource's name, kept readable: its kind, then the name with ':' and '/' as '-'.</summary>
    public static string NameOf(Resource resource)
    {
        var kind = resource.Type[(resource.Type.LastIndexOf(':') + 1)..].ToLowerInvariant();
        var name = new StringBuilder();
        foreach (var c in resource.Name)
            name.Append(c is ':' or '/' ? '-' : c);
        return $"{kind}-{name.ToString().Replace("--", "-", StringComparison.Ordinal).Trim('-')}";
    }
}
