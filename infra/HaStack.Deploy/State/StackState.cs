using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.State;

/// <summary>
/// What the last runs did, per stack: each resource that was applied with the hash and inputs it was applied
/// with, the generated passwords (encrypted), and the stack outputs. Written after every step, so a run that
/// stops half-way leaves exactly what succeeded.
/// </summary>
internal sealed class StackState
{
    /// <summary>2: inputs as JSON (<see cref="ResourceInputs.ToJson"/>); 1: inputs as strings, migrated on load (<see cref="StateMigration"/>).</summary>
    public int Version { get; set; } = CurrentVersion;

    public const int CurrentVersion = 2;
    public string Project { get; set; } = "";
    public string Stack { get; set; } = "";

    /// <summary>The state's own passphrase salt (Pulumi's v1 form); the stack's passphrase opens it.</summary>
    public string? EncryptionSalt { get; set; }

    public List<ResourceState> Resources { get; set; } = [];

    /// <summary>Generated secrets by name, each a v1:nonce:ciphertext value.</summary>
    public SortedDictionary<string, string> Secrets { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, OutputValue> Outputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How each host that has resources was reached, so a host removed from the stack file can still be reached to
    /// remove what HaStack put there.
    /// </summary>
    public SortedDictionary<string, HostRecord> Hosts { get; set; } = new(StringComparer.Ordinal);

    public ResourceState? Find(string id) => Resources.FirstOrDefault(r => r.Id == id);

    public void Put(ResourceState resource)
    {
        var index = Resources.FindIndex(r => r.Id == resource.Id);
        if (index < 0)
            Resources.Add(resource);
        else
            Resources[index] = resource;
    }

    public void Remove(string id) => Resources.RemoveAll(r => r.Id == id);
}

internal sealed class ResourceState
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Host { get; set; }
    public string InputHash { get; set; } = "";
    public List<string> DependsOn { get; set; } = [];

    /// <summary>The inputs it was applied with, as JSON; secrets appear only as tokens, so this holds none.</summary>
    public JsonObject Inputs { get; set; } = [];

    /// <summary>What applying it observed (e.g. a file's sha256), compared by refresh.</summary>
    public SortedDictionary<string, string> Outputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The version of each secret it was applied with (keyed fingerprints, never values): a stack's secret changed
    /// since (a rotated password) makes the next up apply it again. Absent in state written before it existed.
    /// </summary>
    public SortedDictionary<string, string>? SecretVersions { get; set; }

    /// <summary>Set by refresh when the host no longer matches; the next up repairs it.</summary>
    public string? Drift { get; set; }

    /// <summary>The inputs as their type (set when state is read and checked, or when a step records the resource).</summary>
    [JsonIgnore]
    public ResourceInputs Spec { get; set; } = null!;

    /// <summary>The record of <paramref name="resource"/> as applied, with what applying it observed.</summary>
    public static ResourceState Of(Resource resource, IReadOnlyDictionary<string, string>? outputs = null, SortedDictionary<string, string>? secretVersions = null) => new()
    {
        Id = resource.Id,
        Type = resource.Type,
        Name = resource.Name,
        Host = resource.Host,
        InputHash = resource.InputHash,
        DependsOn = [.. resource.DependsOn],
        Inputs = resource.Inputs,
        Outputs = new SortedDictionary<string, string>((outputs ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal),
        SecretVersions = secretVersions,
        Spec = resource.Spec,
    };
}

/// <summary>
/// A host's connection as the last run used it: its address, SSH port and user, a pinned key if the stack gave one,
/// and the Debian release it was deployed on (absent in state written before it was recorded).
/// </summary>
internal sealed record HostRecord(string Address, int SshPort, string? SshUser, string? HostKey, int? Release = null);

/// <summary>A stack output; a secret one is stored encrypted and shown as [secret].</summary>
internal sealed record OutputValue(string Value, bool Secret)
{
    /// <summary>
    /// A value as a listing of outputs shows it on one line: a value of several lines (the CA's certificate) is named,
    /// and <c>hastack output NAME</c> prints it whole.
    /// </summary>
    public static string OnOneLine(string name, string value) =>
        value.Contains('\n', StringComparison.Ordinal) ? $"[{value.TrimEnd('\n').Split('\n').Length} lines: hastack output {name}]" : value;
}

[JsonSerializable(typeof(StackState))]
[JsonSerializable(typeof(StateLock))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class StateJson : JsonSerializerContext;
