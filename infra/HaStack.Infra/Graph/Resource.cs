using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace HaStack.Infra.Graph;

/// <summary>
/// One thing HaStack manages, named like a Pulumi resource: a type token and a stable name. Its inputs are
/// everything that should cause a change; secrets appear in them only as tokens, listed in <see cref="SecretRefs"/>,
/// so identity, structure and <see cref="InputHash"/> never depend on a secret's value. <see cref="Spec"/> is the
/// typed form of the inputs; <see cref="Inputs"/> its JSON, which state records and the hash covers.
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

    /// <summary>The inputs' JSON; a copy each time it is read, so no caller can change what the hash covers.</summary>
    public JsonObject Inputs => inputs.DeepClone().AsObject();

    private readonly JsonObject inputs = Spec.ToJson();

    /// <summary>SHA-256 over type, name and the inputs' canonical JSON: equal exactly when nothing that matters changed.</summary>
    public string InputHash { get; } = HashOf(Type, Name, Spec.ToJson());

    public static string HashOf(string type, string name, JsonObject inputs) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes($"{type}\n{name}\n"), .. CanonicalJson.Bytes(inputs)]));
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
