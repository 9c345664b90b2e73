using HaStack.Infra.Operations;
using System.Security.Cryptography.X509Certificates;
using HaStack.Deploy.Engine;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Providers;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Graph;
using HaStack.Infra.Tls;

namespace HaStack.Deploy.Tests;

/// <summary>
/// The cluster's CA and the hosts' certificates through the engine against fake hosts: issued on the first up and
/// written to each host, kept only encrypted in state, left alone while they serve, and renewed by an up near
/// their end, with the files that carry them written again in the same run.
/// </summary>
public sealed class CertificateResourceTests : IDisposable
{
    private static readonly DateTimeOffset Deployed = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-tls");

    public void Dispose() => dir.Delete(recursive: true);

    private sealed record Engine(ApplyContext Context, StackState State, StateStore Store, Dictionary<string, FakeHost> Hosts);

    private Engine Start(StackPlan plan, DateTimeOffset now, StackState? state = null, Dictionary<string, FakeHost>? hosts = null)
    {
        hosts ??= new Dictionary<string, FakeHost>(StringComparer.Ordinal);
        var store = new StateStore(dir.FullName, "hastack", "s");
        var loaded = store.Load("pw"); // opens the stack's key, which the store authenticates what it saves with
        state ??= loaded;
        var context = new ApplyContext(plan, new SecretStore(state, plan.Config, store.Key), h =>
        {
            lock (hosts)
                return hosts.TryGetValue(h, out var host) ? host : hosts[h] = new FakeHost(h, (script, _) => FakeHost.SteadyCluster(h, script));
        }, _ => { }, purgeData: false) { AgentBinary = () => [1], Clock = () => now };
        return new Engine(context, state, store, hosts);
    }

    /// <summary>What refresh does before a plan, for the CA and the certificates (the fake hosts answer nothing a host resource could be read back from).</summary>
    private static void Refresh(Engine engine)
    {
        foreach (var resource in engine.State.Resources.Where(r => r.Type is ResourceTypes.CertificateAuthority or ResourceTypes.Certificate))
            resource.Drift = Providers.Providers.For(resource.Type).Drift(engine.Context, resource);
    }

    private static void Up(Engine engine, StackPlan plan)
    {
        Refresh(engine);
        var reports = new List<StepReport>();
        new StepRunner(engine.Context, engine.State, engine.Store, 4, r => { lock (reports) reports.Add(r); }).Run(Planner.Plan(plan.Graph, engine.State), CancellationToken.None);
        Assert.All(reports, r => Assert.True(r.Outcome == StepOutcome.Done, $"{r.Step.Id}: {r.Message}"));
    }

    private static string WrittenTo(FakeHost host, string path) =>
        System.Text.Encoding.UTF8.GetString(host.Ran.Last(r => r.Script.Kind == HostOperationKind.WriteFile && r.Script.Subject == path).Stdin
            ?? throw new InvalidOperationException($"{path} was written without content"));

    [Fact]
    public void The_first_up_issues_a_CA_and_a_certificate_per_host_whose_files_reach_each_host_and_state_keeps_them_only_encrypted()
    {
        var plan = ThreeHostStack.Plan("  hastack:verify:\n    enabled: false\n");
        var engine = Start(plan, Deployed);
        Up(engine, plan);

        var ca = X509Certificate2.CreateFromPem(WrittenTo(engine.Hosts["node1"], "/etc/hastack/tls/ca.crt"));
        foreach (var (name, address) in new[] { ("node1", "10.77.0.11"), ("node2", "10.77.0.12"), ("node3", "10.77.0.13") })
        {
            var host = engine.Hosts[name];
            Assert.Equal(ca.RawData, X509Certificate2.CreateFromPem(WrittenTo(host, "/etc/hastack/tls/ca.crt")).RawData);
            var certificatePem = WrittenTo(host, "/etc/hastack/tls/host.crt");
            var names = CertificateRenewal.NamesOf(X509Certificate2.CreateFromPem(certificatePem))!;
            Assert.Contains(address, names.Addresses.Select(a => a.ToString()));
            // the VIP floats over every host here: each certificate carries it for verify-full through the VIP
            Assert.Contains("10.77.0.100", names.Addresses.Select(a => a.ToString()));
            Assert.Null(CertificateRenewal.Reason(certificatePem, ca.ExportCertificatePem(), names, Deployed, TimeSpan.FromDays(30)));
            Assert.Contains("PRIVATE KEY", WrittenTo(host, "/etc/hastack/tls/host.key"), StringComparison.Ordinal);
        }
        var key = plan.Graph[$"{ResourceTypes.File}::node1:/etc/hastack/tls/host.key"];
        Assert.Equal("0600", ((FileInputs)key.Spec).Mode);
        // neither a certificate nor a key in the state file as it is on disk
        var onDisk = File.ReadAllText(Directory.GetFiles(dir.FullName, "*", SearchOption.AllDirectories).Single());
        Assert.DoesNotContain("BEGIN", onDisk, StringComparison.Ordinal);
        // what status reads back from state: the CA's end (to the second) and each host certificate's
        Assert.Equal(new DateTimeOffset(ca.NotAfter.ToUniversalTime()), HaStack.Deploy.Status.StatusReader.AuthorityEnds(engine.State));
        Assert.Equal(["node1", "node2", "node3"], HaStack.Deploy.Status.StatusReader.Certificates(engine.State).Select(c => c.Host).Order());
        // the next up, a month on, has nothing to do
        var later = Start(plan, Deployed.AddDays(30), engine.Store.Load("pw"), engine.Hosts);
        Refresh(later);
        Assert.All(Planner.Plan(plan.Graph, later.State), s => Assert.Equal(StepOp.Same, s.Op));
    }

    [Fact]
    public void An_up_within_the_renewal_threshold_renews_every_certificate_and_rewrites_their_files_in_the_same_run_keeping_the_CA()
    {
        var plan = ThreeHostStack.Plan("  hastack:verify:\n    enabled: false\n  hastack:tls:\n    certificateDays: 90\n    renewDaysBefore: 20\n");
        var engine = Start(plan, Deployed);
        Up(engine, plan);
        var firstCa = WrittenTo(engine.Hosts["node2"], "/etc/hastack/tls/ca.crt");
        var firstCertificate = WrittenTo(engine.Hosts["node2"], "/etc/hastack/tls/host.crt");

        var renewing = Start(plan, Deployed.AddDays(75), engine.Store.Load("pw"), engine.Hosts);
        Refresh(renewing);
        var steps = Planner.Plan(plan.Graph, renewing.State).Where(s => s.IsChange).ToList();
        var certificates = steps.Where(s => s.Type == ResourceTypes.Certificate).ToList();
        Assert.Equal(3, certificates.Count);
        Assert.All(certificates, s => Assert.Contains("within the renewal threshold of 20 days", s.Recorded!.Drift, StringComparison.Ordinal));
        var files = steps.Where(s => s.Type == ResourceTypes.File).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
        // the host's certificate and key, and the key's copies for etcd, Patroni (PostgreSQL) and PgBouncer
        var expected = new[] { "node1", "node2", "node3" }.SelectMany(n => new[] { "host.crt", "host.key", "etcd.key", "postgres.key", "pgbouncer.key" }.Select(f => $"{ResourceTypes.File}::{n}:/etc/hastack/tls/{f}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, files);
        // no restart for it: Patroni (PostgreSQL and its REST API) and PgBouncer reload, etcd reads the files again for
        // each new connection
        var services = steps.Where(s => s.Type == ResourceTypes.Service).ToList();
        Assert.Equal(new[] { "node1", "node2", "node3" }.SelectMany(n => new[] { $"{n}:patroni", $"{n}:pgbouncer" }).Order(StringComparer.Ordinal), services.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(services, s => Assert.Equal(ServiceEffect.Reload, s.Diff.Effect));
        Assert.DoesNotContain(steps, s => s.Type == ResourceTypes.CertificateAuthority);

        Up(renewing, plan);
        var renewed = WrittenTo(engine.Hosts["node2"], "/etc/hastack/tls/host.crt");
        Assert.NotEqual(firstCertificate, renewed);
        Assert.Equal(Deployed.AddDays(75 + 90).UtcDateTime, X509Certificate2.CreateFromPem(renewed).NotAfter.ToUniversalTime());
        Assert.Equal(firstCa, WrittenTo(engine.Hosts["node2"], "/etc/hastack/tls/ca.crt"));
        Refresh(renewing);
        Assert.All(Planner.Plan(plan.Graph, renewing.State), s => Assert.Equal(StepOp.Same, s.Op));
    }

    [Fact]
    public void A_removed_host_takes_its_certificate_and_key_out_of_state_and_the_others_keep_theirs()
    {
        var plan = ThreeHostStack.Plan("  hastack:verify:\n    enabled: false\n");
        var engine = Start(plan, Deployed);
        Up(engine, plan);
        Assert.True(engine.Context.Secrets.Has(TlsSecrets.Key("node3")));

        var twoHosts = StackPipeline.Plan(plan.Config with { Hosts = plan.Config.Hosts.Take(2).ToList() }, new string('b', 64));
        var next = Start(twoHosts, Deployed.AddDays(1), engine.Store.Load("pw"), engine.Hosts);
        Refresh(next);
        var steps = Planner.Plan(twoHosts.Graph, next.State);
        Assert.Contains(steps, s => s.Op == StepOp.Delete && s.Id == $"{ResourceTypes.Certificate}::node3");
        Assert.DoesNotContain(steps, s => s.Op != StepOp.Delete && s.Type == ResourceTypes.Certificate && s.IsChange);
        new StepRunner(next.Context, next.State, next.Store, 4, _ => { }).Run(steps, CancellationToken.None);
        Assert.False(next.Context.Secrets.Has(TlsSecrets.Key("node3")));
        Assert.False(next.Context.Secrets.Has(TlsSecrets.Certificate("node3")));
        Assert.True(next.Context.Secrets.Has(TlsSecrets.Key("node1")));
    }
}
