using System.Diagnostics;
using HaStack.Deploy.Engine;
using HaStack.Deploy.Planning;
using Spectre.Console;

namespace HaStack.Cli.Commands;

/// <summary>
/// On a terminal: finished steps as coloured lines (Pulumi's colours: create green, update yellow, delete red,
/// replace magenta) above a spinner that names what each host is doing right now and for how long.
/// </summary>
internal sealed class LiveRunDisplay : IRunDisplay
{
    private readonly Dictionary<string, (PlannedStep Step, Stopwatch Clock)> inFlight = new(StringComparer.Ordinal);

    public static void WriteLine(string text, LineStyle style)
    {
        var colour = style switch
        {
            LineStyle.Create => "green",
            LineStyle.Update => "yellow",
            LineStyle.Delete => "red",
            LineStyle.Replace => "magenta",
            LineStyle.Failure => "red bold",
            _ => null,
        };
        var escaped = Markup.Escape(text);
        AnsiConsole.MarkupLine(colour is null ? escaped : $"[{colour}]{escaped}[/]");
    }

    public T Show<T>(string title, Func<Action<PlannedStep>, Action<PlannedStep>, T> apply) =>
        AnsiConsole.Status().Spinner(Spinner.Known.Dots).Start(title, context =>
        {
            using var timer = new Timer(_ => context.Status(Describe(title)), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
            return apply(
                step => { lock (inFlight) inFlight[step.Id] = (step, Stopwatch.StartNew()); },
                step => { lock (inFlight) inFlight.Remove(step.Id); });
        });

    private string Describe(string title)
    {
        lock (inFlight)
        {
            if (inFlight.Count == 0)
                return Markup.Escape(title);
            var byHost = inFlight.Values.GroupBy(s => s.Step.Host ?? "cluster").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}: " + string.Join(", ", g.Select(s => $"{s.Step.Name.Split(':').Last()} {s.Clock.Elapsed.TotalSeconds:0}s")));
            return Markup.Escape($"{title} | {string.Join(" | ", byHost)}");
        }
    }
}
