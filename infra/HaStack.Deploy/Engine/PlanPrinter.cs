using System.Globalization;
using HaStack.Deploy.Planning;
using HaStack.Infra.Rendering;

namespace HaStack.Deploy.Engine;

/// <summary>Pulumi's way of showing a plan and a run (reference/pulumi.md §5): symbols, a summary block, [secret].</summary>
public static class PlanPrinter
{
    public static void Preview(RunOutput output, string header, IReadOnlyList<PlannedStep> steps, bool diff)
    {
        output.Line($"{header}:");
        foreach (var step in steps.Where(s => s.IsChange))
        {
            var keys = step.ChangedKeys.Count > 0 && step.Op is StepOp.Update or StepOp.Replace ? $" [diff: ~{string.Join(",", step.ChangedKeys)}]" : "";
            output.Line($" {PlannedStep.Symbol(step.Op)} {step.Type,-28} {step.Name,-52} {Verb(step.Op, past: false)}{keys}");
            if (diff)
                PrintDiff(output, step);
        }
        output.Line();
        Summary(output, steps, past: false);
    }

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
        output.Line($" {PlannedStep.Symbol(step.Op)} {step.Type,-28} {step.Name,-52} {status}{(report.Outcome == StepOutcome.Done ? $" ({seconds}s)" : "")}");
        if (report.Outcome == StepOutcome.Failed)
            output.Line($"     error: {report.Message}");
    }

    public static void Summary(RunOutput output, IReadOnlyList<PlannedStep> steps, bool past, IReadOnlySet<string>? notDone = null)
    {
        output.Line("Resources:");
        var counts = steps.Where(s => s.IsChange && (notDone is null || !notDone.Contains(s.Id))).GroupBy(s => s.Op).ToDictionary(g => g.Key, g => g.Count());
        foreach (var op in new[] { StepOp.Create, StepOp.Update, StepOp.Delete, StepOp.Replace })
        {
            if (counts.TryGetValue(op, out var n))
                output.Line($"    {PlannedStep.Symbol(op)}{n} {(past ? Verb(op, past: true) : "to " + Verb(op, past: false))}");
        }
        var unchanged = steps.Count(s => s.Op == StepOp.Same);
        var changes = counts.Values.Sum();
        // Pulumi prints the total only when two or more kinds of change occur
        output.Line(counts.Count >= 2 ? $"    {changes} changes. {unchanged} unchanged" : $"    {unchanged} unchanged");
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

    /// <summary>Changed inputs as <c>~ key: old => new</c>; multi-line values (file contents) as a line diff.</summary>
    private static void PrintDiff(RunOutput output, PlannedStep step)
    {
        foreach (var key in step.ChangedKeys.Where(k => k != "drift"))
        {
            var before = step.Recorded?.Inputs.GetValueOrDefault(key);
            var after = step.Desired?.Inputs.GetValueOrDefault(key);
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
        if (step.ChangedKeys.Contains("drift"))
            output.Line($"      ~ drift: {step.Recorded?.Drift}");
    }

    private static string Show(string? value) => value is null ? "" : $"\"{SecretTokens.Mask(value)}\"";
}
