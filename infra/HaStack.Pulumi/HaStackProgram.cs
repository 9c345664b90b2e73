using System.Collections.Immutable;
using System.Text.Json;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Ssh;
using HaStack.Infra.Tls;
using HaStack.Pulumi.Mapping;
using Pulumi;
using Remote = Pulumi.Command.Remote;
using Local = Pulumi.Command.Local;
using Tls = Pulumi.Tls;

namespace HaStack.Pulumi;

/// <summary>The stack has errors: the validator's own lines, as `hastack validate` prints them.</summary>
public sealed class StackInvalidException(string message) : Exception(message);

/// <summary>
/// The HaStack stack as a Pulumi program: configuration from the Pulumi engine (any secrets provider) through the
/// same pure pipeline as `hastack`, then one Pulumi resource per graph resource (<see cref="ProgramMapper"/>),
/// grouped under a component per host, carrying the embedded engine's own operation text.
/// </summary>
public static class HaStackProgram
{
    public static Task<IDictionary<string, object?>> Run()
    {
        var project = Deployment.Instance.ProjectName;
        var stack = Deployment.Instance.StackName;
        var (config, secretKeys) = EngineConfiguration();
        var loaded = StackPipeline.LoadFromEngine(project, stack, config, secretKeys);
        if (loaded.Config is not { } stackConfig)
            throw new StackInvalidException(string.Join("\n", loaded.Diagnostics.Select(d => d.ToString())));
        foreach (var warning in loaded.Diagnostics)
            Log.Warn(warning.ToString());

        // the program runs in its main directory (infra/HaStack.Pulumi); the project's files are under RootDirectory
        var root = Deployment.Instance.RootDirectory;
        var agentBinary = Environment.GetEnvironmentVariable("HASTACK_AGENT_BINARY") ?? Path.Combine(root, "artifacts", "hastack-vrrpd", "hastack-vrrpd");
        // bounded and regular files only, as the embedded engine reads them (a FIFO or /dev/zero is refused, not read)
        var agentSha = HaStack.Infra.LocalFiles.BoundedFile.KindOf(agentBinary) == HaStack.Infra.LocalFiles.BoundedFile.FileKind.Missing ? null
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                HaStack.Infra.LocalFiles.BoundedFile.ReadBytes(agentBinary, HaStack.Infra.Catalogue.Components.AgentBinaryMaxBytes, "HASTACK_AGENT_BINARY")));
        var plan = StackPipeline.Plan(stackConfig, agentSha);
        var knownHosts = SshFiles.ReadKnownHosts(stackConfig.Ssh);
        var program = ProgramMapper.Map(plan, host => HostKeyPins.Resolve(host, ProgramMapper.HostPort(stackConfig, host), knownHosts), agentBinary);
        var privateKey = Output.CreateSecret(System.Text.Encoding.UTF8.GetString(SshFiles.ReadPrivateKey(stackConfig.Ssh)));

        // the secrets every rendered file may name: generated passwords and the stack's own secret values
        var secrets = new Dictionary<string, Output<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in StackRenderer.SecretsFromStack(stackConfig))
            secrets[name] = Output.CreateSecret(value);
        // the user's own CA: its certificate is public, its key came with the stack's secrets above
        if (program.GivenCaCertificate is { } givenCa)
            secrets[TlsSecrets.CaCertificate] = Output.Create(givenCa);
        var keys = new Dictionary<string, Tls.PrivateKey>(StringComparer.Ordinal);
        var requests = new Dictionary<string, Tls.CertRequest>(StringComparer.Ordinal);

        var hosts = program.Targets.ToDictionary(t => t.Host, t => new ComponentResource("hastack:index:Host", t.Host), StringComparer.Ordinal);
        var declared = new Dictionary<string, Resource>(StringComparer.Ordinal);
        Output<string>? proof = null;
        foreach (var resource in program.Resources)
        {
            var options = new CustomResourceOptions
            {
                Parent = resource.Host is null ? null : hosts[resource.Host],
                DependsOn = resource.DependsOn.Select(d => declared[d]).ToArray(),
                DeleteBeforeReplace = resource.DeleteBeforeReplace,
                // the generated passwords and CA: the data directories destroy keeps were made with them; `pulumi destroy`
                // stops at them, and `pulumi destroy --exclude-protected` keeps them in the stack's state for the next up
                Protect = resource.Protect ? true : null,
            };
            switch (resource.Kind)
            {
                case ProgramResourceKind.RandomPassword:
                    var password = new global::Pulumi.Random.RandomPassword(resource.Name, new global::Pulumi.Random.RandomPasswordArgs
                    {
                        Length = resource.PasswordLength,
                        Special = false, // A-Z, a-z, 0-9, as the embedded engine generates them
                    }, options);
                    secrets[plan.Graph[resource.GraphId].Name] = password.Result;
                    declared[resource.Name] = password;
                    break;
                case ProgramResourceKind.CopyToRemote:
                    declared[resource.Name] = new Remote.CopyToRemote(resource.Name, new Remote.CopyToRemoteArgs
                    {
                        Connection = Connection(program.Target(resource.Host!), privateKey),
                        Source = new FileAsset(resource.CopySource!),
                        RemotePath = resource.CopyRemotePath!,
                    }, options);
                    break;
                case ProgramResourceKind.RemoteCommand:
                    declared[resource.Name] = RemoteCommand(resource, program.Target(resource.Host!), privateKey, secrets, options);
                    break;
                case ProgramResourceKind.TlsPrivateKey:
                    var key = new Tls.PrivateKey(resource.Name, new Tls.PrivateKeyArgs { Algorithm = "ECDSA", EcdsaCurve = "P256" }, options);
                    keys[resource.Name] = key;
                    secrets[resource.Fills!] = key.PrivateKeyPemPkcs8;
                    declared[resource.Name] = key;
                    break;
                case ProgramResourceKind.TlsSelfSignedCert:
                    var caSpec = resource.Certificate!;
                    var ca = new Tls.SelfSignedCert(resource.Name, new Tls.SelfSignedCertArgs
                    {
                        PrivateKeyPem = keys[caSpec.KeyResource].PrivateKeyPem,
                        Subject = new Tls.Inputs.SelfSignedCertSubjectArgs { CommonName = caSpec.CommonName },
                        IsCaCertificate = true,
                        MaxPathLength = 0,
                        SetSubjectKeyId = true,
                        AllowedUses = caSpec.AllowedUses.ToArray(),
                        ValidityPeriodHours = caSpec.ValidityHours,
                    }, options);
                    secrets[resource.Fills!] = ca.CertPem;
                    declared[resource.Name] = ca;
                    break;
                case ProgramResourceKind.TlsCertRequest:
                    var requestSpec = resource.Certificate!;
                    var request = new Tls.CertRequest(resource.Name, new Tls.CertRequestArgs
                    {
                        PrivateKeyPem = keys[requestSpec.KeyResource].PrivateKeyPem,
                        Subject = new Tls.Inputs.CertRequestSubjectArgs { CommonName = requestSpec.CommonName },
                        DnsNames = requestSpec.DnsNames.ToArray(),
                        IpAddresses = requestSpec.IpAddresses.ToArray(),
                    }, options);
                    requests[resource.Name] = request;
                    declared[resource.Name] = request;
                    break;
                case ProgramResourceKind.TlsLocallySignedCert:
                    var hostSpec = resource.Certificate!;
                    var certificate = new Tls.LocallySignedCert(resource.Name, new Tls.LocallySignedCertArgs
                    {
                        CertRequestPem = requests[hostSpec.RequestResource!].CertRequestPem,
                        CaCertPem = secrets[TlsSecrets.CaCertificate],
                        CaPrivateKeyPem = secrets[TlsSecrets.CaKey],
                        AllowedUses = hostSpec.AllowedUses.ToArray(),
                        ValidityPeriodHours = hostSpec.ValidityHours,
                        EarlyRenewalHours = hostSpec.EarlyRenewalHours,
                        SetSubjectKeyId = true,
                    }, options);
                    secrets[resource.Fills!] = certificate.CertPem;
                    declared[resource.Name] = certificate;
                    break;
                case ProgramResourceKind.LocalCommand:
                    var command = LocalCommand(resource, secrets, config, secretKeys, project, stack, root, options);
                    declared[resource.Name] = command;
                    proof = command.Stdout;
                    break;
            }
        }

        var (writes, reads) = plan.Topology.ClientPorts;
        var outputs = new Dictionary<string, object?>
        {
            ["vipAddress"] = stackConfig.Vip.Address,
            ["writer"] = $"postgresql://postgres@{stackConfig.Vip.Address}:{writes}/postgres",
            ["postgresPassword"] = secrets[SecretNames.PostgresSuperuser],
        };
        if (reads is { } readPort)
            outputs["reader"] = $"postgresql://postgres@{stackConfig.Vip.Address}:{readPort}/postgres";
        // what clients check the servers against, as `hastack output caCertificate` gives it
        if (secrets.TryGetValue(TlsSecrets.CaCertificate, out var caCertificate))
            outputs["caCertificate"] = Output.Unsecret(caCertificate);
        if (proof is not null)
        {
            // the proof's output is secret as a whole (it ran with the superuser password); its figures are not
            foreach (var figure in new[] { "vipHolderBefore", "vipHolderAfter", "vipMoveMs", "sqlRecoveryMs", "verifiedAt" })
                outputs[figure] = Output.Unsecret(proof.Apply(json => Figure(json, figure)));
        }
        return Task.FromResult<IDictionary<string, object?>>(outputs);
    }

    /// <summary>What the engine set for this program: PULUMI_CONFIG (decrypted) and PULUMI_CONFIG_SECRET_KEYS, as the SDK reads them.</summary>
    private static (Dictionary<string, string> Config, IReadOnlyCollection<string> SecretKeys) EngineConfiguration()
    {
        var config = JsonSerializer.Deserialize<Dictionary<string, string>>(Environment.GetEnvironmentVariable("PULUMI_CONFIG") ?? "{}") ?? [];
        var secretKeys = JsonSerializer.Deserialize<string[]>(Environment.GetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS") ?? "[]") ?? [];
        return (config, secretKeys);
    }

    private static Remote.Inputs.ConnectionArgs Connection(SshTarget target, Output<string> privateKey) => new()
    {
        Host = target.Address,
        Port = target.Port,
        User = target.User,
        PrivateKey = privateKey,
        HostKey = target.HostKey,
        PerDialTimeout = target.ConnectTimeoutSeconds,
    };

    /// <summary>The content with its secret tokens filled in from secret outputs: secret itself whenever a token was there.</summary>
    private static Input<string>? Stdin(ProgramResource resource, Dictionary<string, Output<string>> secrets)
    {
        if (resource.Stdin is null)
            return null;
        if (!resource.Sensitive)
            return resource.Stdin;
        var names = resource.Secrets!.ToList();
        return Output.CreateSecret(Output.All(names.Select(n => secrets[n])).Apply(values =>
        {
            var byName = names.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            return SecretTokens.Substitute(resource.Stdin, name => byName[name]);
        }));
    }

    /// <summary>
    /// A service's standard input and triggers when files it reads carry secrets: beside each file's recorded hash
    /// (over its tokens), the hash of its content as filled in, so a secret's new value (a renewed certificate, a
    /// rotated password) reloads the service that reads it reloadably and restarts one that reads it at start, as
    /// the embedded engine does. Secret, as what it is computed from is.
    /// </summary>
    private static (Input<string> Stdin, List<object> Triggers) Filled(ProgramResource resource, Dictionary<string, Output<string>> secrets)
    {
        var names = resource.Secrets!.ToList();
        var hashes = Output.All(names.Select(n => secrets[n])).Apply(values =>
        {
            var byName = names.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            return resource.SecretReads!.Select(r => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(SecretTokens.Substitute(r.Content, name => byName[name]))))).ToList();
        });
        var reads = resource.SecretReads!;
        var stdin = hashes.Apply(list => (resource.Stdin ?? "") + string.Concat(reads.Zip(list)
            .Where(p => p.First.Effect == Infra.Graph.ServiceEffect.Reload).Select(p => $"{p.First.Path} filled {p.Second}\n")));
        var triggers = reads.Select((r, i) => (r, i)).Where(x => x.r.Effect == Infra.Graph.ServiceEffect.Restart)
            .Select(x => (object)Output.CreateSecret(hashes.Apply(list => $"{x.r.Path} filled {list[x.i]}"))).ToList();
        return (Output.CreateSecret(stdin), triggers);
    }

    private static Remote.Command RemoteCommand(ProgramResource resource, SshTarget target, Output<string> privateKey,
        Dictionary<string, Output<string>> secrets, CustomResourceOptions options)
    {
        var (stdin, secretTriggers) = resource.SecretReads is { Count: > 0 } ? Filled(resource, secrets) : (Stdin(resource, secrets), []);
        var args = new Remote.CommandArgs
        {
            Connection = Connection(target, privateKey),
            Create = resource.Create!,
            Stdin = stdin,
            AddPreviousOutputInEnv = false,
            // the command text and its output reach Pulumi's log unless it is off; a secret's holder says nothing
            Logging = resource.Sensitive ? Remote.Logging.None : Remote.Logging.StdoutAndStderr,
        };
        if (resource.Update is not null)
            args.Update = resource.Update;
        if (resource.Delete is not null)
            args.Delete = resource.Delete;
        if (resource.Triggers is { Count: > 0 } || secretTriggers.Count > 0)
            args.Triggers = (resource.Triggers ?? []).Select(t => (object)t).Concat(secretTriggers).ToArray();
        if (resource.Sensitive)
            options.AdditionalSecretOutputs = ["stdout", "stderr"];
        return new Remote.Command(resource.Name, args, options);
    }

    /// <summary>
    /// The failover proof, run by `hastack verify` where pulumi runs. It gets the stack as the engine gave it and the
    /// superuser password on standard input (secret), and prints its figures as JSON.
    /// </summary>
    private static Local.Command LocalCommand(ProgramResource resource, Dictionary<string, Output<string>> secrets,
        Dictionary<string, string> config, IReadOnlyCollection<string> secretKeys, string project, string stack, string root, CustomResourceOptions options)
    {
        var input = secrets[SecretNames.PostgresSuperuser].Apply(password => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["project"] = project,
            ["stack"] = stack,
            ["config"] = config,
            ["secretKeys"] = secretKeys,
            ["superuserPassword"] = password,
        }));
        options.AdditionalSecretOutputs = ["stdout", "stderr"];
        return new Local.Command(resource.Name, new Local.CommandArgs
        {
            Create = resource.Create!,
            Dir = root,
            Stdin = Output.CreateSecret(input),
            Triggers = resource.Triggers!.Select(t => (object)t).ToArray(),
            Logging = Local.Logging.None,
        }, options);
    }

    /// <summary>A figure from `hastack verify --json`: its "outputs" line (one JSON object per line).</summary>
    private static string Figure(string lines, string name)
    {
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == "outputs" &&
                json.RootElement.GetProperty("outputs").TryGetProperty(name, out var value))
                return value.GetString() ?? "";
        }
        return "";
    }
}
