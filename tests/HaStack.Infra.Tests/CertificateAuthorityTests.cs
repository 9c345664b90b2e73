using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaStack.Infra.Tls;
using Xunit;

namespace HaStack.Infra.Tests;

public class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    private static CertificateNames Node1 => new("node1", ["node1", "localhost"], [IPAddress.Parse("10.77.0.11"), IPAddress.Loopback]);

    [Fact]
    public void A_host_certificate_chains_to_the_cluster_CA_and_serves_as_server_and_client()
    {
        var (authority, caPem) = CertificateAuthority.Create("prod", Now, 10 * Year);
        var issued = authority.Issue(Node1, Now, Year);

        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var ca = X509Certificate2.CreateFromPem(caPem.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(Now.UtcDateTime - TimeSpan.FromMinutes(5), certificate.NotBefore.ToUniversalTime());
        Assert.Equal((Now + Year).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.True(CertificateRenewal.NamesOf(certificate)!.SameAs(Node1));
        // the key is the certificate's own, PKCS#8, and not the CA's
        using var key = ECDsa.Create();
        key.ImportFromPem(issued.PrivateKeyPem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem, StringComparison.Ordinal);
        Assert.Equal(certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(caPem.PrivateKeyPem, issued.PrivateKeyPem);
    }

    [Fact]
    public void A_host_certificate_never_outlives_its_CA()
    {
        var (authority, caPem) = CertificateAuthority.Create("prod", Now, TimeSpan.FromDays(30));
        using var certificate = X509Certificate2.CreateFromPem(authority.Issue(Node1, Now, Year).CertificatePem);
        using var ca = X509Certificate2.CreateFromPem(caPem.CertificatePem);
        Assert.Equal(ca.NotAfter, certificate.NotAfter);
    }

    [Fact]
    public void A_CA_loads_from_its_PEM_and_refuses_a_key_of_another_or_a_certificate_that_is_no_CA()
    {
        var (_, caPem) = CertificateAuthority.Create("prod", Now, Year);
        var (other, otherPem) = CertificateAuthority.Create("other", Now, Year);

        Assert.Equal(caPem.CertificatePem, CertificateAuthority.Load(caPem).CertificatePem);
        var mismatch = Assert.Throws<CryptographicException>(() => CertificateAuthority.Load(caPem with { PrivateKeyPem = otherPem.PrivateKeyPem }));
        Assert.Contains("does not belong", mismatch.Message, StringComparison.Ordinal);
        var host = other.Issue(Node1, Now, Year);
        var notCa = Assert.Throws<CryptographicException>(() => CertificateAuthority.Load(host));
        Assert.Contains("not a CA certificate", notCa.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_is_renewed_near_its_end_when_its_names_change_or_when_another_CA_signed_it()
    {
        var threshold = TimeSpan.FromDays(30);
        var (authority, caPem) = CertificateAuthority.Create("prod", Now, 10 * Year);
        var issued = authority.Issue(Node1, Now, Year).CertificatePem;

        Assert.Null(CertificateRenewal.Reason(issued, caPem.CertificatePem, Node1, Now, threshold));
        Assert.Null(CertificateRenewal.Reason(issued, caPem.CertificatePem, Node1, Now + Year - threshold - TimeSpan.FromMinutes(1), threshold));
        Assert.Contains("within the renewal threshold of 30 days", CertificateRenewal.Reason(issued, caPem.CertificatePem, Node1, Now + Year - threshold, threshold));
        Assert.Contains("expired", CertificateRenewal.Reason(issued, caPem.CertificatePem, Node1, Now + Year + TimeSpan.FromDays(1), threshold));

        var withVip = Node1 with { Addresses = [.. Node1.Addresses, IPAddress.Parse("10.77.0.100")] };
        Assert.Contains("are not the host's", CertificateRenewal.Reason(issued, caPem.CertificatePem, withVip, Now, threshold));

        var (_, otherPem) = CertificateAuthority.Create("prod", Now, 10 * Year);
        Assert.Contains("not issued by the cluster's CA", CertificateRenewal.Reason(issued, otherPem.CertificatePem, Node1, Now, threshold));
        Assert.Contains("cannot be read", CertificateRenewal.Reason("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", caPem.CertificatePem, Node1, Now, threshold));
    }

    [Fact]
    public void A_host_a_client_of_the_VIP_may_end_its_TLS_at_carries_the_VIP_and_an_etcd_only_host_does_not()
    {
        var config = TestStacks.Valid("""
            config:
              hastack:hosts:
                - { name: db1, address: 10.77.0.11, roles: [db] }
                - { name: db2, address: 10.77.0.12, roles: [db] }
                - { name: proxy1, address: 10.77.0.14, roles: [proxy] }
                - { name: proxy2, address: 10.77.0.15, roles: [proxy] }
                - { name: e1, address: 10.77.0.21, roles: [etcd] }
                - { name: e2, address: 10.77.0.22, roles: [etcd] }
                - { name: e3, address: 10.77.0.23, roles: [etcd] }
              hastack:vip:
                address: 10.77.0.100/24
            """);
        var vip = IPAddress.Parse(config.Vip.Address);
        foreach (var host in config.Hosts)
        {
            var names = CertificateNames.For(config, host);
            Assert.Equal([host.Name, "localhost"], names.DnsNames);
            Assert.Contains(IPAddress.Parse(host.Address), names.Addresses);
            Assert.Contains(IPAddress.Loopback, names.Addresses);
            // the proxies hold the VIP; PgBouncer and PostgreSQL on the database hosts answer clients of the VIP
            Assert.Equal(!host.Name.StartsWith('e'), names.Addresses.Contains(vip));
        }
    }
}
