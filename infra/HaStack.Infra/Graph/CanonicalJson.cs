using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaStack.Infra.Graph;

/// <summary>
/// One text per JSON value: every object's keys in ordinal order, no spaces, the writer's fixed escaping. What a hash or an
/// authentication code covers, so it never depends on a file's layout or the order a map was built in.
/// </summary>
internal static class CanonicalJson
{
    public static byte[] Bytes(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, node);
        return buffer.ToArray();
    }

    public static string Text(JsonNode? node) => Encoding.UTF8.GetString(Bytes(node));

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                writer.WriteStartObject();
                foreach (var (name, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray list:
                writer.WriteStartArray();
                foreach (var item in list)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
