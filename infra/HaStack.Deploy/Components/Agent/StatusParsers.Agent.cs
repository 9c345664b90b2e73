using System.Text.Json;

namespace HaStack.Deploy.Status;

/// <summary>How Agent's status reads are parsed (the shared helpers are in Status/StatusParsers.cs).</summary>
internal static partial class StatusParsers
{
    /// <summary>The agent's first instance from its /status document, for <paramref name="host"/>.</summary>
    public static AgentView Agent(string host, string json, bool holdsVip)
    {
        using var document = Parse(json, "the agent's /status");
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
            throw new FormatException("the agent's /status has no instances list");
        var first = instances.EnumerateArray().FirstOrDefault();
        if (first.ValueKind != JsonValueKind.Object)
            return new AgentView(host, true, null, null, null, holdsVip, "no VRRP instance configured");
        return new AgentView(host, true, RequiredString(first, "state", "an agent instance"), (int?)OptionalNumber(first, "priority"),
            (int?)OptionalNumber(first, "configuredPriority"), holdsVip, first.TryGetProperty("lastReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
    }
}
