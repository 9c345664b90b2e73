using HaStack.Infra.Tls;

namespace HaStack.Infra.Graph;

/// <summary>The cluster's CA and a certificate per host, issued off the hosts and kept encrypted in state like the passwords.</summary>
internal static class TlsGraph
{
    public static IEnumerable<Resource> Issue(GraphScope scope)
    {
        var config = scope.Config;
        var authorityInputs = AuthorityInputs.For(config);
        var authority = new Resource(ResourceTypes.CertificateAuthority, "cluster-ca", null, [], authorityInputs,
            config.Tls.CaKey is null ? [] : [TlsSecrets.CaKey]);
        scope.SecretOwners[TlsSecrets.CaCertificate] = authority.Id;
        yield return authority;
        foreach (var plan in scope.Topology.Hosts)
        {
            var certificate = new Resource(ResourceTypes.Certificate, plan.Name, null, [authority.Id],
                CertificateInputs.For(config, plan.Host, authorityInputs), [TlsSecrets.CaCertificate]);
            scope.SecretOwners[TlsSecrets.Certificate(plan.Name)] = certificate.Id;
            scope.SecretOwners[TlsSecrets.Key(plan.Name)] = certificate.Id;
            yield return certificate;
        }
    }
}
