using System.Globalization;
using System.Text.Json;

namespace HaStack.Deploy.Status;

/// <summary>
/// What the hosts print for <c>status</c>, read into views: Patroni's /cluster, the agent's /status, etcdctl's JSON,
/// HAProxy's statistics CSV, PgBouncer's SHOW POOLS. Pure; what a host printed is read like user input: a document
/// of the wrong shape is a <see cref="FormatException"/> naming what was wrong, never a half-filled view.
/// </summary>
internal static partial class StatusParsers
{

    private static long Count(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"'{text}' is not a count");

    private static JsonDocument Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not JSON: {e.Message}");
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw new FormatException($"{what} is not a list");

    private static string RequiredString(JsonElement element, string name, string what) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{what} has no {name}");

    private static long? OptionalNumber(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        // etcd's ids are unsigned 64-bit: they may not fit a long, but equality is all they are used for
        : value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var unsigned) ? unchecked((long)unsigned)
        : null;
}
