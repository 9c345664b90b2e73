namespace HaStack.Infra.Tls;

/// <summary>
/// The names the cluster's certificates and keys go by in the secret store and in the tokens of the files that
/// carry them to the hosts (PEM, written as is).
/// </summary>
internal static class TlsSecrets
{
    /// <summary>The CA's certificate: public, but kept beside its key so files and outputs take it the same way.</summary>
    public const string CaCertificate = "tls-ca-certificate";

    /// <summary>The CA's private key: generated and kept encrypted in state, or the stack's own (hastack:tls.caKey).</summary>
    public const string CaKey = "tls-ca-key";

    public static string Certificate(string host) => $"tls-certificate-{host}";

    public static string Key(string host) => $"tls-key-{host}";
}
