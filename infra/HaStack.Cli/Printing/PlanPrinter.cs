using HaStack.Deploy.Engine;
using System.Globalization;
using HaStack.Deploy.Planning;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;

namespace HaStack.Cli.Printing;

/// <summary>Pulumi's way of showing a plan and a run (reference/pulumi.md §5): symbols, a summary block, [secret].</summary>
internal static class PlanPrinter
{
    public static void Preview(RunOutput output, string header, IReadOnlyList<PlannedStep> steps, bool diff)
    {
        output.Line($"{header}:");
        foreach (var step in steps.Where(s => s.IsChange))
        {
            // a planned orchestration step says what it does; a resource's update or replace, what changed
            var keys = step.Op is StepOp.Update or StepOp.Replace ? DiffSummary(step) : step.Reason is not null ? $" [{step.Reason}]" : "";
            output.Line($" {PlannedStep.Symbol(step.Op)} {step.Type,-28} {step.Name,-52} {Verb(step.Op, past: false)}{keys}", Style(step.Op));
            if (diff)
                PrintDiff(output, step);
        }
        output.Line();
    }

    public static LineStyle Style(StepOp op) => op switch
    {
        StepOp.Create => LineStyle.Create,
        StepOp.Update => LineStyle.Update,
        StepOp.Delete => LineStyle.Delete,
        StepOp.Replace => LineStyle.Replace,
        _ => LineStyle.Plain,
    };

    public static void Progress(RunOutput output, StepReport report)
    {
        var step = report.Step;
        var status = report.Outcome switch
        {
            StepOutcome.Done => Verb(step.Op, past: true),
            StepOutcome.Failed => $"**{Verb(step.Op, past: false).TrimEnd('e')}ing failed**",
            _ => $"skipped ({report.Message})",
        };
        var seconds = report.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var style = report.Outcome == StepOutcome.Failed ? LineStyle.Failure : Style(step.Op);
        output.Line($" {PlannedStep.Symbol(step.Op)} {step.Type,-28} {step.Name,-52} {status}{(report.Outcome == StepOutcome.Done ? $" ({seconds}s)" : "")}", style);
        if (report.Outcome == StepOutcome.Failed)
            output.Line($"     error: {report.Message}", LineStyle.Failure);
    }

    public static void Summary(RunOutput output, RunSummary summary)
    {
        output.Line("Resources:");
        var counts = summary.Changes;
        foreach (var op in new[] { StepOp.Create, StepOp.Update, StepOp.Delete, StepOp.Replace })
        {
            if (counts.TryGetValue(op, out var n))
                output.Line($"    {PlannedStep.Symbol(op)}{n} {(summary.Past ? Verb(op, past: true) : "to " + Verb(op, past: false))}", Style(op));
        }
        var changes = counts.Values.Sum();
        // Pulumi prints the total only when two or more kinds of change occur
        output.Line(counts.Count >= 2 ? $"    {changes} changes. {summary.Unchanged} unchanged" : $"    {summary.Unchanged} unchanged");
    }

    private static string Verb(StepOp op, bool past) => (op, past) switch
    {
        (StepOp.Create, false) => "create",
        (StepOp.Create, true) => "created",
        (StepOp.Update, false) => "update",
        (StepOp.Update, true) => "updated",
        (StepOp.Delete, false) => "delete",
        (StepOp.Delete, true) => "deleted",
        (StepOp.Replace, false) => "replace",
        (StepOp.Replace, true) => "replaced",
        _ => "",
    };

    /// <summary>The bracket after an update: the changed inputs, drift, or why it runs with no input changed.</summary>
    private static string DiffSummary(PlannedStep step)
    {
        var parts = new List<string>();
        if (step.ChangedKeys.Count > 0)
            parts.Add("~" + string.Join(",", step.ChangedKeys));
        if (step.Drifted)
            parts.Add("drift");
        if (step.Reason is not null)
            parts.Add(step.Reason);
        return parts.Count == 0 ? "" : $" [diff: {string.Join("; ", parts)}]";
    }

    /// <summary>Changed inputs as <c>~ key: old => new</c>; multi-line values (file contents) as a line diff.</summary>
    private static void PrintDiff(RunOutput output, PlannedStep step)
    {
        foreach (var change in step.Diff.Changes)
        {
            var key = change.Path;
            var (before, after) = (Shown(change.Before), Shown(change.After));
            if ((before ?? after ?? "").Contains('\n', StringComparison.Ordinal))
            {
                output.Line($"      ~ {key}:");
                var old = (before ?? "").Split('\n');
                var @new = (after ?? "").Split('\n');
                foreach (var line in old.Except(@new))
                    output.Line($"          - {SecretTokens.Mask(line)}");
                foreach (var line in @new.Except(old))
                    output.Line($"          + {SecretTokens.Mask(line)}");
            }
            else if (before is null)
                output.Line($"      + {key}: {Show(after)}");
            else if (after is null)
                output.Line($"      - {key}: {Show(before)}");
            else
                output.Line($"      ~ {key}: {Show(before)} => {Show(after)}");
        }
        if (step.Drifted)
            output.Line($"      ~ drift: {HaStack.Infra.Config.TextRules.Printable(step.Recorded?.Drift ?? "")}");
    }

    /// <summary>A string input as itself (a file's content diffs by line), any other value as its JSON.</summary>
    private static string? Shown(JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : value is null ? null : CanonicalJson.Text(value);

    private static string Show(string? value) => value is null ? "" : $"\"{SecretTokens.Mask(value)}\"";
}
