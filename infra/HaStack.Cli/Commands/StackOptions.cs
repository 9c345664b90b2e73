using System.CommandLine;
using HaStack.Infra;
using HaStack.Infra.Config;

namespace HaStack.Cli.Commands;

/// <summary>The options every stack command takes, as pulumi spells them, and the loading they share.</summary>
internal static class StackOptions
{
    public static readonly Option<string> Stack = new("--stack", "-s")
    {
        Description = "the stack: reads Pulumi.<stack>.yaml",
        Required = true,
    };

    public static readonly Option<string> Cwd = new("--cwd", "-C")
    {
        Description = "the project directory (the one with Pulumi.yaml)",
        DefaultValueFactory = _ => ".",
    };

    /// <summary>Loads and validates the stack; prints every diagnostic to stderr. Null when the stack has errors.</summary>
    public static StackConfig? LoadOrReport(ParseResult parse, bool quietWhenClean = true)
    {
        var result = StackPipeline.Load(parse.GetValue(Cwd)!, parse.GetValue(Stack)!, Environment.GetEnvironmentVariable);
        foreach (var diagnostic in result.Diagnostics)
            Console.Error.WriteLine(diagnostic);
        if (result.HasErrors)
        {
            var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
            Console.Error.WriteLine($"{errors} error(s): nothing was done; fix them and run again");
        }
        else if (!quietWhenClean || result.Diagnostics.Count > 0)
            Console.Error.WriteLine($"{result.Document.StackFile}: valid ({result.Diagnostics.Count} warning(s))");
        return result.Config;
    }
}
