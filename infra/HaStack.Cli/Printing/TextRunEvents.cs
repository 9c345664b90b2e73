using HaStack.Deploy.Engine;
using HaStack.Deploy.Planning;
using HaStack.Deploy.State;

namespace HaStack.Cli.Printing;

/// <summary>Events as Pulumi shows them to people (<see cref="PlanPrinter"/>): lines with symbols, a summary, [secret].</summary>
internal sealed class TextRunEvents(RunOutput output) : IRunEvents
{
    public void Phase(string title)
    {
        output.Line();
        output.Line(title);
    }

    public void Plan(string header, IReadOnlyList<PlannedStep> steps, bool diff) => PlanPrinter.Preview(output, header, steps, diff);

    public void StepFinished(StepReport report) => PlanPrinter.Progress(output, report);

    public void Drift(ResourceState resource) =>
        output.Line($" ~  {resource.Type,-28} {resource.Name,-52} drifted: {HaStack.Infra.Config.TextRules.Printable(resource.Drift ?? "")}", LineStyle.Update);

    public void Summary(RunSummary summary)
    {
        if (summary.Drifted >= 0)
        {
            output.Line();
            output.Line("Resources:");
            var total = summary.Steps.Count;
            output.Line(summary.Drifted == 0 ? $"    {total} unchanged" : $"    ~ {summary.Drifted} drifted (the next up repairs them). {total - summary.Drifted} unchanged");
            return;
        }
        if (summary.Past)
            output.Line();
        PlanPrinter.Summary(output, summary);
        if (summary.Duration is { } duration)
        {
            output.Line();
            output.Line($"Duration: {duration.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)}s");
        }
        if (summary.LogPath is not null)
            output.Line($"Log: {summary.LogPath}");
    }

    public void Outputs(IReadOnlyDictionary<string, OutputValue> outputs)
    {
        output.Line("Outputs:");
        foreach (var (name, value) in outputs)
            output.Line($"    {name}: {(value.Secret ? "[secret]" : OutputValue.OnOneLine(name, value.Value))}");
    }

    public void FaultMeasured(HaStack.Deploy.Verification.FaultOutcome outcome) =>
        output.Line(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"    {outcome.Fault.Name,-16} {outcome.Host,-10} failed writes {outcome.Figures.FailedWrites,4}   longest gap {outcome.Figures.LongestGap.TotalSeconds,6:0.00} s (budget {outcome.Fault.GapBudget.TotalSeconds:0.#} s)   longest write {outcome.Figures.LongestWrite.TotalSeconds,6:0.00} s   {outcome.Verdict}"),
            outcome.WithinBudget ? LineStyle.Plain : LineStyle.Failure);

    public void Status(HaStack.Deploy.Status.StackStatus status, HaStack.Deploy.Status.StatusHealth.Verdict verdict) => StatusPrinter.Print(output, status, verdict);

    public void Info(string text) => output.Line(text);

    public void Warning(string text) => output.Error(text);

    public void Problem(string text) => output.Error(text);

    public void Mask(IReadOnlyList<string> plaintexts) => output.Mask(plaintexts);
}
