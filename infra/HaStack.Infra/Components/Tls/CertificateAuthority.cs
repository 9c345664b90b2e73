using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaStack.Infra.Tls;

/// <summary>A certificate and its private key, both PEM: the form files on the hosts and encrypted state keep them in.</summary>
internal sealed record PemPair(string CertificatePem, string PrivateKeyPem);

/// <summary>
/// The cluster's own certificate authority: ECDSA P-256 (which etcd 3.4, PostgreSQL, PgBouncer, HAProxy and Python's
/// ssl all take), one CA per stack, host certificates valid for both server and client authentication (etcd peers
/// are both). Pure: time comes in, PEM goes out; where the PEM is kept is the engines' business.
/// </summary>
internal sealed class CertificateAuthority
{
    /// <summary>Issued a little in the past: a host whose clock lags by minutes must not find a new certificate not yet valid.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly X509Certificate2 certificate;
    private readonly ECDsa key;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        this.certificate = certificate;
        this.key = key;
    }

    public string CertificatePem => certificate.ExportCertificatePem();

    public DateTimeOffset NotAfter => CertificateFacts.End(certificate);

    /// <summary>SHA-256 of the certificate (DER), lower-case hex: what the host certificates' inputs name their issuer by.</summary>
    public string Fingerprint => CertificateFacts.Fingerprint(certificate);

    /// <summary>A new CA for the stack <paramref name="stack"/>, valid from <paramref name="now"/> for <paramref name="validity"/>.</summary>
    public static (CertificateAuthority Authority, PemPair Pem) Create(string stack, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={CaCommonName(stack)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var self = request.CreateSelfSigned(now - ClockSkew, now + validity);
        var pem = new PemPair(self.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        return (Load(pem), pem);
    }

    /// <summary>The CA from its PEM (generated earlier, or the user's own); refused when the key does not match or it cannot sign certificates.</summary>
    public static CertificateAuthority Load(PemPair pem)
    {
        var certificate = X509Certificate2.CreateFromPem(pem.CertificatePem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem.PrivateKeyPem);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new CryptographicException($"the CA's private key is not an ECDSA key in PEM ({e.Message})");
        }
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true } || usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            throw new CryptographicException($"'{certificate.Subject}' is not a CA certificate (no basic constraints with CA:true, or no keyCertSign)");
        var publicKey = certificate.GetECDsaPublicKey() ?? throw new CryptographicException($"'{certificate.Subject}' does not carry an ECDSA key");
        using (publicKey)
        {
            if (!publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                throw new CryptographicException($"the private key given does not belong to '{certificate.Subject}'");
        }
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>A host certificate for <paramref name="names"/>, with a key of its own, valid from <paramref name="now"/> for <paramref name="validity"/> (never past the CA's end).</summary>
    public PemPair Issue(CertificateNames names, DateTimeOffset now, TimeSpan validity)
    {
        using var hostKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={HostCommonName(names.HostName)}"), hostKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var dns in names.DnsNames)
            alternative.AddDnsName(dns);
        foreach (var address in names.Addresses)
            alternative.AddIpAddress(address);
        request.CertificateExtensions.Add(alternative.Build(true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(certificate, true, false));
        var notAfter = now + validity < certificate.NotAfter ? now + validity : new DateTimeOffset(certificate.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;  // a positive serial, as RFC 5280 asks
        using var issued = request.Create(certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now - ClockSkew, notAfter, serial);
        return new PemPair(issued.ExportCertificatePem(), hostKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The generated CA's subject (common name), in either engine.</summary>
    public static string CaCommonName(string stack) => $"HaStack cluster CA {Sanitized(stack)}";

    /// <summary>A host certificate's subject (common name), in either engine.</summary>
    public static string HostCommonName(string host) => Sanitized(host);

    /// <summary>A distinguished name's value: only what needs no escaping (stack and host names are already plain words).</summary>
    internal static string Sanitized(string value) => new(value.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
}
