using System.Text.Json;

namespace HaStack.Deploy.Status;

/// <summary>How Patroni's status reads are parsed (the shared helpers are in Status/StatusParsers.cs).</summary>
internal static partial class StatusParsers
{
    /// <summary>Patroni's members from GET /cluster.</summary>
    public static IReadOnlyList<MemberView> Members(string json)
    {
        using var document = Parse(json, "Patroni's /cluster");
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
            throw new FormatException("Patroni's /cluster has no members list");
        return members.EnumerateArray().Select(m => new MemberView(
            RequiredString(m, "name", "a Patroni member"),
            RequiredString(m, "role", "a Patroni member"),
            RequiredString(m, "state", "a Patroni member"),
            OptionalNumber(m, "timeline"),
            // Patroni gives "lag" in bytes, or the word "unknown" when it cannot tell
            OptionalNumber(m, "lag"),
            m.TryGetProperty("pending_restart", out var pending) && pending.ValueKind == JsonValueKind.True)).ToList();
    }
}
