using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaStack.Infra.Graph;

/// <summary>
/// One input that differs: its path (a top-level key, or a member of an object under it: <c>etcd.cluster</c>,
/// <c>reads[/etc/haproxy/haproxy.cfg]</c>, <c>settings[postgresql/parameters/max_connections]</c>) and its value before and
/// after (null where it is absent).
/// </summary>
internal sealed record InputChange(string Path, JsonNode? Before, JsonNode? After);

/// <summary>
/// What a resource kind makes of the difference between what was recorded and what is desired: nothing, an update
/// (with what it asks of a running service: <see cref="Effect"/>) or a replacement, and the inputs that differ.
/// </summary>
internal sealed partial record InputDiff(ChangeKind Change, IReadOnlyList<InputChange> Changes, ServiceEffect Effect = ServiceEffect.None)
{
    public static readonly InputDiff Same = new(ChangeKind.Same, []);

    public IReadOnlyList<string> Paths => [.. Changes.Select(c => c.Path)];

    /// <summary>
    /// The inputs that differ, in ordinal order of their paths: top-level keys, and one level into an object, where a
    /// map (a service's reads, Patroni's settings) names what changed; a list or a deeper value differs as a whole.
    /// </summary>
    public static List<InputChange> Between(JsonObject before, JsonObject after)
    {
        var changes = new List<InputChange>();
        foreach (var key in Keys(before, after))
        {
            var (was, now) = (before[key], after[key]);
            if (JsonNode.DeepEquals(was, now))
                continue;
            if (was is JsonObject wasMap && now is JsonObject nowMap)
            {
                foreach (var member in Keys(wasMap, nowMap).Where(m => !JsonNode.DeepEquals(wasMap[m], nowMap[m])))
                    changes.Add(new InputChange(key + (Identifier().IsMatch(member) ? "." + member : $"[{member}]"), wasMap[member], nowMap[member]));
            }
            else
                changes.Add(new InputChange(key, was, now));
        }
        return changes;
    }

    private static IEnumerable<string> Keys(JsonObject a, JsonObject b) =>
        a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]*\z")]
    private static partial Regex Identifier();
}
