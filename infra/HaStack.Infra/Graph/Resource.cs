using System.Security.Cryptography;
using System.Text;

namespace HaStack.Infra.Graph;

/// <summary>
/// One thing HaStack manages, named like a Pulumi resource: a type token and a stable name. Its inputs are
/// everything that should cause a change; secrets appear in them only as tokens, listed in <see cref="SecretRefs"/>,
/// so identity, structure and <see cref="InputHash"/> never depend on a secret's value. <see cref="Spec"/> is the
/// typed form of the inputs; <see cref="Inputs"/> the string map that state records and the hash covers.
/// </summary>
internal sealed record Resource(
    string Type,
    string Name,
    string? Host,
    IReadOnlyList<string> DependsOn,
    ResourceInputs Spec,
    IReadOnlyList<string> SecretRefs)
{
    public string Id => $"{Type}::{Name}";

    public IReadOnlyDictionary<string, string> Inputs { get; } = Spec.ToInputs();

    /// <summary>SHA-256 over type, name and the inputs in key order: equal exactly when nothing that matters changed.</summary>
    public string InputHash => HashOf(Type, Name, Inputs);

    public static string HashOf(string type, string name, IReadOnlyDictionary<string, string> inputs)
    {
        var text = new StringBuilder().Append(type).Append('\n').Append(name).Append('\n');
        foreach (var (key, value) in inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>The resource types, as Pulumi-style tokens.</summary>
internal static class ResourceTypes
{
    public const string Password = "hastack:cluster:Password";
    public const string CertificateAuthority = "hastack:cluster:CertificateAuthority";
    public const string Certificate = "hastack:cluster:Certificate";
    public const string Packages = "hastack:host:Packages";
    public const string File = "hastack:host:File";
    public const string AgentBinary = "hastack:host:AgentBinary";
    public const string Service = "hastack:host:Service";
    public const string SqlSetup = "hastack:cluster:SqlSetup";
    public const string PatroniConfig = "hastack:cluster:PatroniConfig";
    public const string Verification = "hastack:cluster:Verification";
    public const string RollingRestart = "hastack:cluster:RollingRestart";

    // steps the planner derives from the diff (ResourceKind.Transient): orchestration, never recorded
    public const string AgentLeave = "hastack:cluster:AgentLeave";
    public const string Handover = "hastack:cluster:Handover";
    public const string EtcdJoin = "hastack:cluster:EtcdJoin";
    public const string EtcdLeave = "hastack:cluster:EtcdLeave";
}
