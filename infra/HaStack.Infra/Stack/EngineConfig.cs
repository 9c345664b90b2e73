using System.Text.Json;
using HaStack.Infra.Config;

namespace HaStack.Infra.Stack;

/// <summary>
/// The stack's configuration as the Pulumi engine hands it to a program: <c>"project:key"</c> → string (objects
/// and lists as JSON text), already decrypted by the stack's secrets provider, with the list of keys it holds
/// secret. Read into the same <see cref="StackDocument"/> the stack files give, so validation, topology, rendering
/// and the graph are the same code under both engines.
/// </summary>
internal static class EngineConfig
{
    /// <summary>Where diagnostics point: the engine gives values, not lines of a file.</summary>
    public const string Source = "pulumi config";

    public static StackDocument Read(string projectName, string stackName, IReadOnlyDictionary<string, string> config, IReadOnlyCollection<string> secretKeys)
    {
        var diagnostics = new List<Diagnostic>();
        var values = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        var at = new SourceLocation(Source, 0);
        foreach (var (rawKey, text) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var colon = rawKey.IndexOf(':', StringComparison.Ordinal);
            var ns = colon < 0 ? projectName : rawKey[..colon];
            var key = colon < 0 ? rawKey : rawKey[(colon + 1)..];
            if (key.StartsWith("config:", StringComparison.Ordinal))
                key = key[7..];
            if (ns != projectName)
            {
                diagnostics.Add(Diagnostic.Warning("foreign-namespace", rawKey, null, $"belongs to another namespace than the project's ({projectName}); HaStack ignores it",
                    $"write it as {projectName}:{key} if it is meant for HaStack", at));
                continue;
            }
            var secret = secretKeys.Contains(rawKey);
            if (YamlLimits.Check(text, Source) is { } tooBig)
            {
                diagnostics.Add(tooBig with { Key = rawKey });
                continue;
            }
            values[key] = Parse(text, secret, at);
        }
        return new StackDocument(projectName, stackName, Source, null, values, diagnostics);
    }

    /// <summary>
    /// What the Pulumi CLI hands a program for a stack file's <c>config:</c>: each key with its value as a string,
    /// mappings and lists as JSON text. For plain values only (a <c>secure:</c> value would need its provider);
    /// how tests and tools see a stack file the way the program will.
    /// </summary>
    public static Dictionary<string, string> FromStackFile(string stackText)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(stackText));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        var config = (YamlDotNet.RepresentationModel.YamlMappingNode)root["config"];
        return config.Children.ToDictionary(kv => kv.Key.ToString(),
            kv => kv.Value is YamlDotNet.RepresentationModel.YamlScalarNode s ? s.Value ?? "" : JsonSerializer.Serialize(Plain(kv.Value)), StringComparer.Ordinal);
    }

    private static object? Plain(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlDotNet.RepresentationModel.YamlMappingNode map => map.Children.ToDictionary(kv => kv.Key.ToString(), kv => Plain(kv.Value)),
        YamlDotNet.RepresentationModel.YamlSequenceNode list => list.Children.Select(Plain).ToList(),
        YamlDotNet.RepresentationModel.YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    /// <summary>JSON objects and lists become mappings and lists; anything else (a plain string, a number) is a scalar.</summary>
    private static ConfigNode Parse(string text, bool secret, SourceLocation at)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = YamlLimits.MaxDepth });
                return Convert(json.RootElement, secret, at);
            }
            catch (JsonException)
            {
                // not JSON after all: a string that starts with a bracket
            }
        }
        return new ConfigScalar(text, at, secret);
    }

    private static ConfigNode Convert(JsonElement element, bool secret, SourceLocation at) => element.ValueKind switch
    {
        JsonValueKind.Object => new ConfigMap(element.EnumerateObject().Select(p => new KeyValuePair<string, ConfigNode>(p.Name, Convert(p.Value, secret, at))).ToList(), at),
        JsonValueKind.Array => new ConfigList(element.EnumerateArray().Select(e => Convert(e, secret, at)).ToList(), at),
        JsonValueKind.String => new ConfigScalar(element.GetString()!, at, secret),
        JsonValueKind.Null => new ConfigScalar("", at, secret),
        _ => new ConfigScalar(element.GetRawText(), at, secret),
    };
}
