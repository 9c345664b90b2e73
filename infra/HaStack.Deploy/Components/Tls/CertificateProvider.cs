using System.Globalization;
using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Tls;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A host's certificate and key, issued by the cluster's CA and kept encrypted in state; the host's files carry
/// them. A refresh finds one that must be issued again (near its end, from another CA, unreadable): the preview
/// says why, and <c>up</c> issues a new one and rewrites the files.
/// </summary>
internal sealed class CertificateProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var inputs = (CertificateInputs)change.Desired!.Spec;
        var secrets = context.Secrets;
        var issued = CertificateAuthorityProvider.Stored(secrets).Issue(inputs.Names, context.Clock(), inputs.Validity);
        secrets.Set(TlsSecrets.Key(inputs.Host), issued.PrivateKeyPem);
        secrets.Set(TlsSecrets.Certificate(inputs.Host), issued.CertificatePem);
        var notAfter = CertificateFacts.End(issued.CertificatePem);
        context.Log($"issued {inputs.Host}'s certificate, valid until {notAfter:yyyy-MM-dd HH:mm}Z");
        return new Dictionary<string, string> { ["notAfter"] = notAfter.ToString(CertificateRenewal.RecordedEndFormat, CultureInfo.InvariantCulture) };
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        var host = ((CertificateInputs)recorded.Spec!).Host;
        context.Secrets.Forget(TlsSecrets.Certificate(host));
        context.Secrets.Forget(TlsSecrets.Key(host));
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var inputs = (CertificateInputs)recorded.Spec!;
        var secrets = context.Secrets;
        if (!secrets.Has(TlsSecrets.Certificate(inputs.Host)) || !secrets.Has(TlsSecrets.Key(inputs.Host)))
            return "its certificate or key is missing from state";
        if (!secrets.Has(TlsSecrets.CaCertificate))
            return "the CA's certificate is missing from state";
        return CertificateRenewal.Reason(secrets.Value(TlsSecrets.Certificate(inputs.Host)), secrets.Value(TlsSecrets.CaCertificate),
            inputs.Names, context.Clock(), inputs.RenewalThreshold);
    }
}
