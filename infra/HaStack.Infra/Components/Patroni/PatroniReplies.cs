using System.Text.Json;

namespace HaStack.Infra.Operations;

/// <summary>
/// What Patroni's REST API answers, read into what HaStack acts on: checked like any input from a host (a malformed
/// answer is an <see cref="FormatException"/> naming what was wrong, never a partial list).
/// </summary>
internal static class PatroniReplies
{
    /// <summary>
    /// The standbys a /patroni answer of the primary says it really waits for: its replication entries whose
    /// sync_state is sync or quorum (none when it reports no replication).
    /// </summary>
    public static IReadOnlyList<string> SynchronousStandbys(string patroniJson) =>
        Read(patroniJson, "/patroni", root => !root.TryGetProperty("replication", out var replication) || replication.ValueKind == JsonValueKind.Null ? []
            : Array(root, "replication", "/patroni")
                .Where(r => r.TryGetProperty("sync_state", out var state) && state.ValueKind == JsonValueKind.String && state.GetString() is "sync" or "quorum")
                .Select(r => Text(r, "application_name", "/patroni")).ToList());

    private static List<string> Read(string json, string what, Func<JsonElement, List<string>> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"Patroni's {what} answer is not a JSON object");
            return read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Patroni's {what} answer is not JSON: {e.Message}", e);
        }
    }

    private static List<JsonElement> Array(JsonElement root, string name, string what) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToList()
            : throw new FormatException($"Patroni's {what} answer has no '{name}' list");

    private static string Text(JsonElement item, string name, string what) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"Patroni's {what} answer has an entry without a '{name}'");
}
