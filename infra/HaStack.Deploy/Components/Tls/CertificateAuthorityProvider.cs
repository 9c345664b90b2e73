using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Tls;

namespace HaStack.Deploy.Providers;

/// <summary>
/// The cluster's CA. Generated once (certificate and key encrypted in state, like a generated password), or the
/// stack's own: its certificate is kept beside the others, its key stays the stack file's. Destroy keeps a generated
/// CA unless the data goes too, so clients that trust it keep trusting the stack built again.
/// </summary>
internal sealed class CertificateAuthorityProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var inputs = (AuthorityInputs)change.Desired!.Spec;
        var secrets = context.Secrets;
        CertificateAuthority authority;
        if (inputs.GivenCertificate is { } given)
        {
            authority = CertificateAuthority.Load(new PemPair(given, secrets.Value(TlsSecrets.CaKey)));
            if (change.Recorded is not null && ((AuthorityInputs)change.Recorded.Spec!).GivenCertificate is null)
                secrets.Forget(TlsSecrets.CaKey);
        }
        else if (change.Recorded is null && secrets.Has(TlsSecrets.CaKey) && secrets.Has(TlsSecrets.CaCertificate))
            // kept by an earlier destroy: the same CA again
            authority = Stored(secrets);
        else
        {
            var (created, pem) = CertificateAuthority.Create(inputs.Stack, context.Clock(), TimeSpan.FromDays(inputs.Days));
            secrets.Set(TlsSecrets.CaKey, pem.PrivateKeyPem);
            authority = created;
        }
        secrets.Set(TlsSecrets.CaCertificate, authority.CertificatePem);
        return new Dictionary<string, string> { ["notAfter"] = authority.NotAfter.ToString(CertificateRenewal.RecordedEndFormat, System.Globalization.CultureInfo.InvariantCulture) };
    }

    /// <summary>The CA as the secret store holds it: its certificate, and its key (state's, or the stack file's own).</summary>
    internal static CertificateAuthority Stored(SecretStore secrets) =>
        CertificateAuthority.Load(new PemPair(secrets.Value(TlsSecrets.CaCertificate), secrets.Value(TlsSecrets.CaKey)));

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        if (!context.PurgeData)
            return;
        context.Secrets.Forget(TlsSecrets.CaCertificate);
        if (((AuthorityInputs)recorded.Spec!).GivenCertificate is null)
            context.Secrets.Forget(TlsSecrets.CaKey);
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var secrets = context.Secrets;
        if (!secrets.Has(TlsSecrets.CaCertificate) || !secrets.Has(TlsSecrets.CaKey))
            return "its certificate or key is missing from state";
        DateTimeOffset ends;
        try
        {
            ends = Stored(secrets).NotAfter;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return $"its certificate and key in state do not make a CA ({e.Message})";
        }
        return ends <= context.Clock() ? $"it expired on {ends:yyyy-MM-dd}" : null;
    }
}
