using HaStack.Deploy.Engine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Deploy.Planning;
using HaStack.Deploy.State;

namespace HaStack.Cli.Printing;

/// <summary>
/// Events for programs, in the spirit of Pulumi's --json: one JSON object per line on standard output, each with a
/// "kind": a "step" per planned or finished step, "drift", "summary" (with Pulumi's changeSummary), "outputs"
/// (secrets as "[secret]") and "diagnostic". Secrets are masked as in the text form.
/// </summary>
internal sealed class JsonRunEvents(RunOutput output) : IRunEvents
{
    private void Write(JsonObject value) => output.Line(value.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

    private static string Op(StepOp op) => op.ToString().ToLowerInvariant();

    private static JsonObject StepObject(PlannedStep step)
    {
        var value = new JsonObject
        {
            ["kind"] = "step",
            ["op"] = Op(step.Op),
            ["id"] = step.Id,
            ["type"] = step.Type,
            ["name"] = step.Name,
            ["host"] = step.Host,
        };
        if (step.ChangedKeys.Count > 0 && step.Op is StepOp.Update or StepOp.Replace)
            value["diffs"] = new JsonArray([.. step.ChangedKeys.Select(k => JsonValue.Create(k))]);
        if (step.Drifted)
            value["drift"] = step.Recorded?.Drift;
        if (step.Reason is not null)
            value["reason"] = step.Reason;
        return value;
    }

    public void Phase(string title) => Write(new JsonObject { ["kind"] = "phase", ["title"] = title });

    public void Plan(string header, IReadOnlyList<PlannedStep> steps, bool diff)
    {
        foreach (var step in steps.Where(s => s.IsChange))
        {
            var value = StepObject(step);
            value["phase"] = "plan";
            Write(value);
        }
    }

    public void StepFinished(StepReport report)
    {
        var value = StepObject(report.Step);
        value["phase"] = "apply";
        value["outcome"] = report.Outcome.ToString().ToLowerInvariant();
        value["elapsedMs"] = (long)report.Elapsed.TotalMilliseconds;
        if (report.Message is not null)
            value[report.Outcome == StepOutcome.Failed ? "error" : "message"] = report.Message;
        Write(value);
    }

    public void Drift(ResourceState resource) => Write(new JsonObject
    {
        ["kind"] = "drift",
        ["id"] = resource.Id,
        ["type"] = resource.Type,
        ["name"] = resource.Name,
        ["host"] = resource.Host,
        ["drift"] = resource.Drift,
    });

    public void Summary(RunSummary summary)
    {
        var changes = new JsonObject();
        foreach (var (op, count) in summary.Changes.OrderBy(kv => kv.Key))
            changes[Op(op)] = count;
        changes["same"] = summary.Unchanged;
        var value = new JsonObject { ["kind"] = "summary", ["changeSummary"] = changes };
        if (summary.Drifted >= 0)
            value["drifted"] = summary.Drifted;
        if (summary.Duration is { } duration)
            value["durationSeconds"] = Math.Round(duration.TotalSeconds, 1);
        if (summary.LogPath is not null)
            value["log"] = summary.LogPath;
        Write(value);
    }

    public void Outputs(IReadOnlyDictionary<string, OutputValue> outputs)
    {
        var values = new JsonObject();
        foreach (var (name, value) in outputs)
            values[name] = value.Secret ? "[secret]" : value.Value;
        Write(new JsonObject { ["kind"] = "outputs", ["outputs"] = values });
    }

    /// <summary>One "status" object: every view as read, "healthy", and the reasons ("degraded") and "notes".</summary>
    public void Status(HaStack.Deploy.Status.StackStatus status, HaStack.Deploy.Status.StatusHealth.Verdict verdict)
    {
        var value = JsonSerializer.SerializeToNode(status, StatusJson)!.AsObject();
        value["healthy"] = verdict.Healthy;
        value["degraded"] = new JsonArray([.. verdict.Degraded.Select(d => JsonValue.Create(d))]);
        value["notes"] = new JsonArray([.. verdict.Notes.Select(n => JsonValue.Create(n))]);
        var line = new JsonObject { ["kind"] = "status" };
        foreach (var (name, node) in value.ToList())
        {
            value.Remove(name);
            line[name] = node;
        }
        Write(line);
    }

    private static readonly JsonSerializerOptions StatusJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void FaultMeasured(HaStack.Deploy.Verification.FaultOutcome outcome) => Write(new JsonObject
    {
        ["kind"] = "fault",
        ["fault"] = outcome.Fault.Name,
        ["what"] = outcome.Fault.What,
        ["host"] = outcome.Host,
        ["failedWrites"] = outcome.Figures.FailedWrites,
        ["acknowledgedWrites"] = outcome.Figures.Acknowledged,
        ["longestGapMs"] = Math.Round(outcome.Figures.LongestGap.TotalMilliseconds),
        ["longestWriteMs"] = Math.Round(outcome.Figures.LongestWrite.TotalMilliseconds),
        ["gapBudgetMs"] = Math.Round(outcome.Fault.GapBudget.TotalMilliseconds),
        ["failedWriteBudget"] = outcome.Fault.FailedWriteBudget,
        ["recovered"] = outcome.Figures.Recovered,
        ["withinBudget"] = outcome.WithinBudget,
        ["verdict"] = outcome.Verdict,
    });

    public void Info(string text) => Diagnostic("info", text);

    public void Warning(string text) => Diagnostic("warning", text);

    public void Problem(string text) => Diagnostic("error", text);

    private void Diagnostic(string severity, string text) =>
        Write(new JsonObject { ["kind"] = "diagnostic", ["severity"] = severity, ["message"] = text, ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });

    public void Mask(IReadOnlyList<string> plaintexts) => output.Mask(plaintexts);
}
