using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaStack.Infra.Tls;

/// <summary>
/// Whether a host certificate already issued still serves: signed by the cluster's CA, carrying exactly the names
/// the host needs now, and further from its end than the renewal threshold. <c>up</c> issues a new one otherwise.
/// </summary>
internal static class CertificateRenewal
{
    /// <summary>Why <paramref name="issued"/> must be issued again, or null when it still serves.</summary>
    public static string? Reason(string issuedPem, string authorityPem, CertificateNames wanted, DateTimeOffset now, TimeSpan threshold)
    {
        X509Certificate2 issued;
        try
        {
            issued = X509Certificate2.CreateFromPem(issuedPem);
        }
        catch (CryptographicException e)
        {
            return $"the recorded certificate cannot be read ({e.Message})";
        }
        using (issued)
        using (var authority = X509Certificate2.CreateFromPem(authorityPem))
        {
            if (!SignedBy(issued, authority))
                return $"it was not issued by the cluster's CA ('{authority.Subject}')";
            var names = NamesOf(issued);
            if (names is null || !names.SameAs(wanted))
                return $"its names ({Describe(names)}) are not the host's ({Describe(wanted)})";
            var end = CertificateFacts.End(issued);
            if (end - now <= threshold)
                return end <= now ? $"it expired on {end:yyyy-MM-dd HH:mm}Z" : $"it expires on {end:yyyy-MM-dd HH:mm}Z, within the renewal threshold of {threshold.TotalDays:0.##} days";
            return null;
        }
    }

    /// <summary>How state records a certificate's end (the notAfter output), in UTC.</summary>
    public const string RecordedEndFormat = "yyyy-MM-ddTHH:mm:ssZ";

    private static bool SignedBy(X509Certificate2 issued, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // validity in time is the threshold's question, not this one's
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(issued);
    }

    /// <summary>The names in the certificate's subject alternative name extension; null when it has none.</summary>
    public static CertificateNames? NamesOf(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
            return null;
        var common = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return new CertificateNames(common, extension.EnumerateDnsNames().ToList(), extension.EnumerateIPAddresses().ToList());
    }

    private static string Describe(CertificateNames? names) => names is null ? "none"
        : string.Join(", ", names.DnsNames.Concat(names.Addresses.Select(a => a.ToString())));
}
