namespace HaStack.Infra.Stack;

/// <summary>Where a value was written: a stack file and a line, for diagnostics a reader can jump to.</summary>
internal readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A config value as written in a stack file, before it is bound to the model.</summary>
internal abstract record ConfigNode(SourceLocation Location);

/// <summary>
/// A plain scalar; <see cref="Text"/> is what YAML gave, typed later against what the key expects.
/// <see cref="Secret"/>: the value came decrypted from the Pulumi engine under a key it marks secret, so it may
/// stand where a secret is expected.
/// </summary>
internal sealed record ConfigScalar(string Text, SourceLocation Location, bool Secret = false) : ConfigNode(Location);

/// <summary><c>secure: v1:...</c>: ciphertext from Pulumi's secrets provider.</summary>
internal sealed record ConfigSecure(string Ciphertext, SourceLocation Location) : ConfigNode(Location);

internal sealed record ConfigList(IReadOnlyList<ConfigNode> Items, SourceLocation Location) : ConfigNode(Location);

/// <summary>A mapping, in file order (diagnostics follow the file).</summary>
internal sealed record ConfigMap(IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries, SourceLocation Location) : ConfigNode(Location)
{
    public ConfigNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}
