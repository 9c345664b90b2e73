using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.Stack;
using HaStack.Infra.Tls;

namespace HaStack.Infra.Tests;

/// <summary>A stack that brings its own CA: taken when it can sign, refused with the reason when it cannot.</summary>
public class GivenCaTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static StackLoadResult WithCa(string certificatePem, string keyPem)
    {
        var (salt, crypter) = PassphraseCrypter.Create("p");
        var indented = string.Join("\n", certificatePem.TrimEnd('\n').Split('\n').Select(l => "      " + l));
        return TestStacks.Load($"encryptionsalt: {salt}\n" + TestStacks.MinimalWith(
            $"hastack:tls:\n    caCertificate: |\n{indented}\n    caKey:\n      secure: {crypter.Encrypt(keyPem)}"), "p");
    }

    [Fact]
    public void A_CA_with_its_key_is_taken_recorded_by_its_certificate_and_named_as_the_issuer_of_every_host_certificate()
    {
        var (_, pem) = CertificateAuthority.Create("corp", Now, TimeSpan.FromDays(3650));
        var result = WithCa(pem.CertificatePem, pem.PrivateKeyPem);
        Assert.True(result.Config is not null, string.Join("\n", result.Diagnostics));
        var graph = StackPipeline.Plan(result.Config!, null).Graph;
        var authority = (AuthorityInputs)graph[$"{ResourceTypes.CertificateAuthority}::cluster-ca"].Spec;
        Assert.Equal(pem.CertificatePem.TrimEnd('\n'), authority.GivenCertificate!.TrimEnd('\n'));
        Assert.Equal([TlsSecrets.CaKey], graph[$"{ResourceTypes.CertificateAuthority}::cluster-ca"].SecretRefs);
        var issuers = graph.Resources.Where(r => r.Type == ResourceTypes.Certificate).Select(r => ((CertificateInputs)r.Spec).Issuer).Distinct().ToList();
        Assert.Equal([CertificateAuthority.Load(pem).Fingerprint], issuers);
        // what state records reads back as it was written
        Assert.Equal(authority, AuthorityInputs.Parse(authority.ToJson()));
    }

    [Fact]
    public void A_host_certificate_or_a_key_of_another_CA_is_refused_as_the_clusters_CA()
    {
        var (authority, pem) = CertificateAuthority.Create("corp", Now, TimeSpan.FromDays(3650));
        var (_, other) = CertificateAuthority.Create("other", Now, TimeSpan.FromDays(3650));
        var host = authority.Issue(new CertificateNames("node1", ["node1"], [System.Net.IPAddress.Loopback]), Now, TimeSpan.FromDays(30));
        foreach (var (certificate, key, says) in new[]
        {
            (host.CertificatePem, host.PrivateKeyPem, "is not a CA certificate"),
            (pem.CertificatePem, other.PrivateKeyPem, "does not belong to"),
        })
        {
            var result = WithCa(certificate, key);
            var found = result.Diagnostics.Single(d => d.Rule == "tls-ca");
            Assert.Equal("hastack:tls.caCertificate", found.Key);
            Assert.Contains(says, found.Problem, StringComparison.Ordinal);
            Assert.Null(result.Config);
        }
    }
}
