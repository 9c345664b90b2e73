using HaStack.Infra;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;
using HaStack.Infra.Tls;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

/// <summary>
/// The lab stack (Pulumi.lab.yaml) rendered, with made-up secrets, and HaStack's install guards plus the server
/// packages put on every lab host once, the way a deployment does it: guards first, then the hosts' own apt.
/// </summary>
public sealed class LabStackFiles
{
    private static readonly object Gate = new();
    private static bool installed;

    internal StackPlan Plan { get; }

    public LabStackFiles(LabEnvironment lab)
    {
        Plan = StackPipeline.Plan(LabEnvironment.LabStack(lab));
        lock (Gate)
        {
            if (installed)
                return;
            Parallel.ForEach(lab.Hosts, host =>
            {
                foreach (var guard in Plan.Files.Where(f => f.Host == host.Name && f.Effect == FileEffect.InstallGuard))
                    Put(host, guard.Path, guard.Content, guard.Mode);
                var packages = string.Join(" ", ((HaStack.Infra.Graph.PackagesInputs)Plan.Graph[$"hastack:host:Packages::{host.Name}"].Spec).Packages);
                // a bound, not a measure: three hosts unpacking PostgreSQL at once on a busy machine take more than a minute
                host.Check($"DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends {packages} >/tmp/hastack-apt.log 2>&1 || {{ tail -20 /tmp/hastack-apt.log; exit 1; }}",
                    timeout: TimeSpan.FromMinutes(5));
            });
            installed = true;
        }
    }

    /// <summary>
    /// A rendered file's content with every secret replaced by a test value: the certificates and keys by real ones
    /// of a CA made for this test run (etcd checks them), the passwords by fixed words.
    /// </summary>
    public string Content(string? host, string path) =>
        SecretTokens.Substitute(Plan.Files.Single(f => f.Host == host && f.Path == path).Content, TestSecret);

    /// <summary>Every file of <paramref name="host"/>'s TLS, the service's copies of its key included, as the rendering has them (owners too).</summary>
    public void PutTls(LabHost host)
    {
        foreach (var file in Plan.Files.Where(f => f.Host == host.Name && f.Path.StartsWith(Components.TlsDirectory, StringComparison.Ordinal)))
        {
            Put(host, file.Path, Content(host.Name, file.Path), file.Mode);
            host.Check($"chown {file.Owner}:{file.Group} {file.Path}");
        }
    }

    private readonly Dictionary<string, string> testSecrets = new(StringComparer.Ordinal);

    private string TestSecret(string name)
    {
        lock (testSecrets)
        {
            if (testSecrets.Count == 0)
            {
                var (authority, pem) = CertificateAuthority.Create(Plan.Config.Stack, DateTimeOffset.UtcNow, TimeSpan.FromDays(2));
                testSecrets[TlsSecrets.CaCertificate] = pem.CertificatePem;
                foreach (var host in Plan.Config.Hosts)
                {
                    var issued = authority.Issue(CertificateNames.For(Plan.Config, host), DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
                    testSecrets[TlsSecrets.Certificate(host.Name)] = issued.CertificatePem;
                    testSecrets[TlsSecrets.Key(host.Name)] = issued.PrivateKeyPem;
                }
            }
            return testSecrets.TryGetValue(name, out var value) ? value : $"test-{name}-pw";
        }
    }

    public static void Put(LabHost host, string path, string content, string mode = "0644") =>
        host.Check($"mkdir -p \"$(dirname {path})\" && cat > {path}.new && chmod {mode} {path}.new && mv {path}.new {path}", stdin: content);
}
