using System.Text.Json.Nodes;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;

namespace HaStack.Infra.Graph;

/// <summary>The agent's native binary; <see cref="Sha256"/> is null when no build was at hand (preview without one).</summary>
internal sealed record AgentBinaryInputs(string Path, string Mode, string? Sha256) : ResourceInputs
{
    public const string NotBuilt = "not built";

    public override JsonObject ToJson() => Json(("path", Path), ("mode", Mode), ("sha256", Sha256 ?? NotBuilt));

    public static AgentBinaryInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "path", "mode", "sha256");
        var sha = Text(inputs, "sha256");
        if (sha != NotBuilt && !Names.Sha256Hex().IsMatch(sha))
            throw new InvalidInputException("sha256", $"'{TextRules.Printable(sha)}' is not a SHA-256 in hex");
        return new AgentBinaryInputs(Matching(inputs, "path", Names.AbsolutePath(), "an absolute path of plain segments"),
            Matching(inputs, "mode", Names.FileMode(), "an octal file mode"), sha == NotBuilt ? null : sha);
    }
}

/// <summary>
/// A leaving VIP host's agent, stopped before the staying agents drop it from their peers. Only the last of the leaving
/// agents (<paramref name="ChecksHolder"/>) then checks that the VIP is on one staying host: while another leaving agent
/// still runs, the VIP may rightly be on it.
/// </summary>
internal sealed record AgentLeaveInputs(string Unit, bool ChecksHolder) : ResourceInputs
{
    public static AgentLeaveInputs Agent(bool checksHolder) => new(Components.Agent.Unit!, checksHolder);

    public override JsonObject ToJson() => Json(("unit", Unit), ("checksHolder", ChecksHolder));

    public static AgentLeaveInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "unit", "checksHolder");
        if (Text(inputs, "unit") != Components.Agent.Unit)
            throw new InvalidInputException("unit", $"is not {Components.Agent.Unit}");
        return Agent(Flag(inputs, "checksHolder"));
    }
}
