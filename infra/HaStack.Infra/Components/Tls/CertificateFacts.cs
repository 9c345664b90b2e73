using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaStack.Infra.Tls;

/// <summary>What HaStack reads off a certificate, the same way wherever it reads it: its end and its fingerprint.</summary>
internal static class CertificateFacts
{
    /// <summary>When the certificate ends, in UTC.</summary>
    public static DateTimeOffset End(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime());

    public static DateTimeOffset End(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return End(certificate);
    }

    /// <summary>SHA-256 of the certificate (DER), lower-case hex.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    public static string Fingerprint(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return Fingerprint(certificate);
    }
}
