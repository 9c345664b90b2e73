using HaStack.Infra;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Pulumi.Mapping;

namespace HaStack.Pulumi.Tests;

/// <summary>
/// The graph as the Pulumi program declares it: one resource per graph resource, named after it, the graph's edges
/// as dependencies, the embedded engine's operation text, secrets only where they are marked, every host pinned.
/// </summary>
public class ProgramMapperTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhhc3RhY2stdGVzdC1rZXktZm9yLXBpbm5pbmc=";
    private static readonly string Sha = new('e', 64);

    /// <summary>The stack as its file has it: TLS on, the default.</summary>
    private static StackPlan Plan(string stack) => Plan(stack, tls: true);

    private static StackPlan Plan(string stack, bool tls)
    {
        var config = StackPipeline.Load(Path.Combine(AppContext.BaseDirectory, "Stacks"), stack, _ => null).Config!;
        return StackPipeline.Plan(config with { Tls = config.Tls with { Enabled = tls } }, Sha);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_default_stack_issues_its_CA_and_a_certificate_per_host_with_Pulumi_Tls_as_the_engine_issues_them(string stack)
    {
        var plan = Plan(stack);
        var program = Map(stack);
        Assert.Null(program.GivenCaCertificate);
        var authority = (AuthorityInputs)plan.Graph.Resources.Single(r => r.Type == ResourceTypes.CertificateAuthority).Spec;
        var caKey = Assert.Single(program.Resources, r => r.Kind == ProgramResourceKind.TlsPrivateKey && r.Fills == Infra.Tls.TlsSecrets.CaKey);
        var ca = Assert.Single(program.Resources, r => r.Kind == ProgramResourceKind.TlsSelfSignedCert);
        Assert.Equal((Infra.Tls.TlsSecrets.CaCertificate, caKey.Name, authority.Days * 24, true, true), (ca.Fills, ca.Certificate!.KeyResource, ca.Certificate.ValidityHours, ca.Protect, caKey.Protect));
        Assert.Equal(["cert_signing", "crl_signing"], ca.Certificate.AllowedUses);
        Assert.Equal(Infra.Tls.CertificateAuthority.CaCommonName(authority.Stack), ca.Certificate.CommonName);
        foreach (var inputs in plan.Graph.Resources.Where(r => r.Type == ResourceTypes.Certificate).Select(r => (CertificateInputs)r.Spec))
        {
            var certificate = Assert.Single(program.Resources, r => r.Kind == ProgramResourceKind.TlsLocallySignedCert && r.Fills == Infra.Tls.TlsSecrets.Certificate(inputs.Host));
            var spec = certificate.Certificate!;
            Assert.Equal(inputs.DnsNames, spec.DnsNames);
            Assert.Equal(inputs.Addresses, spec.IpAddresses);
            Assert.Equal((inputs.Days * 24, inputs.RenewDaysBefore * 24), (spec.ValidityHours, spec.EarlyRenewalHours));
            Assert.Equal(["digital_signature", "key_agreement", "server_auth", "client_auth"], spec.AllowedUses);
            var request = Assert.Single(program.Resources, r => r.Name == spec.RequestResource && r.Kind == ProgramResourceKind.TlsCertRequest);
            var key = Assert.Single(program.Resources, r => r.Name == spec.KeyResource && r.Kind == ProgramResourceKind.TlsPrivateKey);
            Assert.Equal(Infra.Tls.TlsSecrets.Key(inputs.Host), key.Fills);
            // the certificate waits for its request and the CA; the request for its key
            Assert.Contains(request.Name, certificate.DependsOn);
            Assert.Contains(ca.Name, certificate.DependsOn);
            Assert.Contains(key.Name, request.DependsOn);
            // renewed certificates are new certificates: nothing keeps a host's key through destroy
            Assert.False(certificate.Protect || key.Protect);
        }
        // every file that carries a key or a certificate is declared, after what fills it
        foreach (var file in plan.Graph.Resources.Where(r => r.Type == ResourceTypes.File && r.SecretRefs.Any(s => s.StartsWith("tls-", StringComparison.Ordinal))))
        {
            var declared = Assert.Single(program.Resources, r => r.GraphId == file.Id);
            Assert.True(declared.Sensitive);
            Assert.Contains(declared.DependsOn, d => program.Resources.Single(r => r.Name == d).Kind is ProgramResourceKind.TlsLocallySignedCert or ProgramResourceKind.TlsSelfSignedCert);
        }
    }

    [Fact]
    public void A_renewed_certificate_reloads_the_services_that_read_it_as_the_engine_reloads_them()
    {
        var program = Map("three");
        var plan = Plan("three");
        foreach (var service in plan.Graph.Resources.Where(r => r.Type == ResourceTypes.Service && r.Host == "node1").Select(r => (r, (ServiceInputs)r.Spec)))
        {
            var declared = Assert.Single(program.Resources, r => r.GraphId == service.r.Id);
            // each read of a file with secrets is there with the file's content (tokens and all), and its effect
            var withSecrets = service.Item2.Reads.Where(read => plan.Graph.Contains($"{ResourceTypes.File}::node1:{read.Path}") &&
                plan.Graph[$"{ResourceTypes.File}::node1:{read.Path}"].SecretRefs.Count > 0).ToList();
            Assert.Equal(withSecrets.Select(r => (r.Path, r.Effect)), (declared.SecretReads ?? []).Select(r => (r.Path, r.Effect)));
            Assert.All(declared.SecretReads ?? [], r => Assert.Equal(((FileInputs)plan.Graph[$"{ResourceTypes.File}::node1:{r.Path}"].Spec).Content, r.Content));
        }
        // Patroni and PgBouncer reload their certificates; the program fills them in the same way for every host
        var pgbouncer = Assert.Single(program.Resources, r => r.GraphId == $"{ResourceTypes.Service}::node1:pgbouncer");
        Assert.Contains(pgbouncer.SecretReads!, r => r.Path == "/etc/hastack/tls/pgbouncer.key" && r.Effect == ServiceEffect.Reload);
    }

    [Fact]
    public void A_stack_with_its_own_CA_declares_no_CA_and_signs_with_the_given_one()
    {
        var (_, pem) = Infra.Tls.CertificateAuthority.Create("three", DateTimeOffset.UtcNow, TimeSpan.FromDays(3650));
        var config = StackPipeline.Load(Path.Combine(AppContext.BaseDirectory, "Stacks"), "three", _ => null).Config!;
        var given = config with { Tls = config.Tls with { CaCertificate = pem.CertificatePem, CaKey = new Infra.Config.Secret(pem.PrivateKeyPem) } };
        var program = ProgramMapper.Map(StackPipeline.Plan(given, Sha), _ => HostKeyPin.Of(Key), "/build/hastack-vrrpd");
        Assert.DoesNotContain(program.Resources, r => r.Kind is ProgramResourceKind.TlsSelfSignedCert || r.Fills == Infra.Tls.TlsSecrets.CaKey);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem.CertificatePem).ExportCertificatePem(), program.GivenCaCertificate);
        Assert.Equal(3, program.Resources.Count(r => r.Kind == ProgramResourceKind.TlsLocallySignedCert));
    }

    private static ProgramPlan Map(string stack) => ProgramMapper.Map(Plan(stack), _ => HostKeyPin.Of(Key), "/build/hastack-vrrpd");

    public static TheoryData<string> Stacks() => new(["three", "five"]);

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_graph_resource_is_declared_once_under_a_name_of_its_own(string stack)
    {
        var plan = Plan(stack);
        var program = Map(stack);
        Assert.Equal(program.Resources.Count, program.Resources.Select(r => (r.Kind, r.Name)).Distinct().Count());
        // the rolling restart is the embedded engine's alone for now, and only it
        var engineOnly = plan.Graph.Resources.Where(ProgramMapper.EmbeddedEngineOnly).Select(r => r.Type).Distinct().ToList();
        Assert.Equal([ResourceTypes.RollingRestart], engineOnly);
        foreach (var resource in plan.Graph.Resources.Where(r => !ProgramMapper.EmbeddedEngineOnly(r)))
        {
            var declared = program.Resources.Where(r => r.GraphId == resource.Id).ToList();
            Assert.NotEmpty(declared);
            Assert.All(declared, r => Assert.StartsWith(ProgramMapper.NameOf(resource), r.Name, StringComparison.Ordinal));
            Assert.All(declared, r => Assert.DoesNotContain(':', r.Name));
        }
    }

    /// <summary>
    /// A resource kind added without a Pulumi mapping fails here, not at `pulumi up`: every registered kind is in the
    /// test stack's graph, and each of its resources is declared by the program or is the embedded engine's alone.
    /// </summary>
    [Fact]
    public void Every_registered_resource_kind_is_mapped_or_named_the_embedded_engines_alone()
    {
        var plan = Plan("three");
        var program = Map("three");
        // the orchestration steps are derived by the embedded engine's planner, never part of the graph (issue 28 maps them)
        var derived = ResourceKinds.ByType.Values.Where(k => k.Transient).Select(k => k.Type).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([ResourceTypes.AgentLeave, ResourceTypes.EtcdJoin, ResourceTypes.EtcdLeave, ResourceTypes.Handover], derived);
        Assert.Empty(ResourceKinds.ByType.Keys.Except(derived).Except(plan.Graph.Resources.Select(r => r.Type)));
        foreach (var type in ResourceKinds.ByType.Keys.Except(derived))
            Assert.True(plan.Graph.Resources.Where(r => r.Type == type).All(r => ProgramMapper.EmbeddedEngineOnly(r) || program.Resources.Any(d => d.GraphId == r.Id)),
                $"{type} has resources neither mapped nor the embedded engine's alone");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Dependencies_are_the_graphs_edges(string stack)
    {
        var plan = Plan(stack);
        var program = Map(stack);
        var byName = program.Resources.ToDictionary(r => r.Name);
        foreach (var declared in program.Resources)
        {
            var graphDeps = plan.Graph[declared.GraphId].DependsOn.ToHashSet(StringComparer.Ordinal);
            // every declared dependency is a graph edge, or a step within one graph resource (the agent's upload before its
            // install; a key before its request, the request before the certificate)
            Assert.All(declared.DependsOn, d => Assert.True(graphDeps.Contains(byName[d].GraphId) || byName[d].GraphId == declared.GraphId,
                $"{declared.Name} -> {d}"));
            // and every graph edge is declared, on the graph resource's last declared part at least
            var last = program.Resources.Last(r => r.GraphId == declared.GraphId);
            Assert.All(graphDeps, g => Assert.Contains(last.DependsOn, d => byName[d].GraphId == g));
        }
        // declared in an order Pulumi can follow: each after what it depends on
        var seen = new HashSet<string>();
        foreach (var declared in program.Resources)
        {
            Assert.All(declared.DependsOn, d => Assert.Contains(d, seen));
            seen.Add(declared.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Host_operations_are_the_embedded_engines_scripts_word_for_word(string stack)
    {
        var plan = Plan(stack);
        var program = Map(stack);
        foreach (var declared in program.Resources.Where(r => r.Kind == ProgramResourceKind.RemoteCommand && r.Host is not null))
        {
            var resource = plan.Graph[declared.GraphId];
            var scripts = ResourceOperations.Of(resource.Spec);
            var sudo = program.Target(declared.Host!).Sudo;
            switch (resource.Spec)
            {
                case FileInputs or PackagesInputs:
                    Assert.Equal(scripts.Create!.CommandLine(sudo), declared.Create);
                    if (scripts.Delete is not null)
                        Assert.Equal(scripts.Delete.CommandLine(sudo), declared.Delete);
                    break;
                case ServiceInputs service:
                    Assert.Equal(scripts.Create!.CommandLine(sudo), declared.Create);
                    Assert.Equal(scripts.Delete!.CommandLine(sudo), declared.Delete);
                    var reloads = service.Reads.Any(r => r.Effect == ServiceEffect.Reload);
                    Assert.Equal(scripts.Update(reloads ? ServiceEffect.Reload : ServiceEffect.None)!.CommandLine(sudo), declared.Update);
                    Assert.Equal(reloads, (declared.Update ?? "").Contains("systemctl reload", StringComparison.Ordinal));
                    // what a restart needs is a trigger (a replace: stop, then start), what a reload needs is on stdin (an update)
                    Assert.Equal(service.Reads.Count(r => r.Effect == ServiceEffect.Restart), declared.Triggers!.Count);
                    Assert.True(declared.DeleteBeforeReplace);
                    break;
                case AgentBinaryInputs binary:
                    // the engine's own write, word for word, reading the uploaded copy instead of the SSH channel
                    var install = HostOperations.InstallUploadedAgent(binary);
                    Assert.Equal(install.CommandLine(sudo), declared.Create);
                    Assert.StartsWith($"sh -c {Shell.Quote(HostOperations.WriteAgentBinary(binary).Text)} < ", install.Text, StringComparison.Ordinal);
                    break;
                case SqlSetupInputs:
                    Assert.Contains(HostOperations.RunSql().Text, declared.Create, StringComparison.Ordinal);
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Secrets_travel_only_on_standard_input_and_only_where_they_are_marked(string stack)
    {
        var program = Map(stack);
        foreach (var declared in program.Resources)
        {
            foreach (var text in new[] { declared.Create, declared.Update, declared.Delete })
                Assert.DoesNotContain("@@secret:", text ?? "", StringComparison.Ordinal);
            // what it carries on standard input, and (a service) what it hashes the filled-in files it reads by
            var tokens = Infra.Rendering.SecretTokens.NamesIn((declared.Stdin ?? "") + string.Concat((declared.SecretReads ?? []).Select(r => r.Content))).Distinct().Order(StringComparer.Ordinal).ToList();
            if (declared.Kind != ProgramResourceKind.LocalCommand)
                Assert.Equal(tokens, (declared.Secrets ?? []).Order(StringComparer.Ordinal).ToList());
        }
        Assert.Contains(program.Resources, r => r.Sensitive && r.Name.Contains("patroni-config.yml", StringComparison.Ordinal));
        Assert.Equal(Plan(stack).Graph.Resources.Count(r => r.Type == ResourceTypes.Password), program.Resources.Count(r => r.Kind == ProgramResourceKind.RandomPassword && r.PasswordLength == 32));
    }

    [Fact]
    public void Every_connection_pins_a_host_key_and_a_host_without_one_is_refused()
    {
        Assert.All(Map("three").Targets, t => Assert.Equal(Key, t.HostKey));
        var e = Assert.Throws<UnpinnedHostException>(() => ProgramMapper.Map(Plan("three"),
            h => h.Name == "node2" ? new HostKeyPin(null, "node2: no host key to pin") : HostKeyPin.Of(Key), "/build/hastack-vrrpd"));
        Assert.Equal("node2: no host key to pin", e.Message);
        // a fingerprint is not a key pulumi-command can pin
        Assert.Throws<UnpinnedHostException>(() => ProgramMapper.Map(Plan("three"), _ => HostKeyPin.Of("SHA256:" + new string('A', 43)), "/build/hastack-vrrpd"));
    }

    [Fact]
    public void The_agent_binary_is_uploaded_then_installed_where_the_engine_installs_it()
    {
        var program = Map("three");
        var upload = Assert.Single(program.Resources, r => r.Kind == ProgramResourceKind.CopyToRemote && r.Host == "node1");
        Assert.Equal("/build/hastack-vrrpd", upload.CopySource);
        Assert.Equal($"/tmp/hastack-vrrpd.{Sha}", upload.CopyRemotePath);
        var install = Assert.Single(program.Resources, r => r.DependsOn.Contains(upload.Name));
        Assert.Contains("/usr/local/sbin/hastack-vrrpd", install.Create, StringComparison.Ordinal);
        // the install's status is the write's: the upload is removed only after it succeeded (the path as it reads inside the quoted command line)
        Assert.Contains($"&& rm -f -- {Shell.Quote(Shell.Quote($"/tmp/hastack-vrrpd.{Sha}"))[1..^1]}", install.Create, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("three")]
    [InlineData("five")]
    public void Every_command_runs_under_timeout_and_patronis_configuration_goes_through_any_database_host(string stack)
    {
        var program = Map(stack);
        foreach (var command in program.Resources.Where(r => r.Kind == ProgramResourceKind.RemoteCommand))
            foreach (var line in new[] { command.Create, command.Update, command.Delete }.OfType<string>())
                Assert.Matches(@"\A(sudo -n )?timeout -k 10 [0-9]+ sh -c '", line);
        var dcs = (PatroniConfigInputs)Plan(stack).Graph.Resources.Single(r => r.Type == ResourceTypes.PatroniConfig).Spec;
        var put = Assert.Single(program.Resources, r => r.GraphId.StartsWith(ResourceTypes.PatroniConfig, StringComparison.Ordinal));
        Assert.Equal(dcs.Targets[0].Host, put.Host);
        var tried = dcs.Targets.Select(t => put.Create!.IndexOf(t.Url("/config"), StringComparison.Ordinal)).ToList();
        Assert.All(tried, at => Assert.True(at > 0));
        Assert.Equal(tried.Order(), tried);
        Assert.Equal(HostOperations.PutPatroniConfigThroughAny(dcs.Targets).CommandLine(false), put.Create);
    }
}
