using System.CommandLine;
using HaStack.Cli.Commands;

// hastack: the embedded engine's command line. Exit codes as Pulumi's: 0 done, 1 the stack or a step failed,
// 2 bad usage (or no --yes when not interactive), 7 changes proposed under --expect-no-changes, 8 cancelled.
var root = new RootCommand("HaStack: PostgreSQL without a single point of failure, deployed over SSH from Pulumi stack files")
{
    ValidateCommand.Create(),
    RenderCommand.Create(),
    GraphCommand.Create(),
    OutputCommand.Create(),
    AdoptStateCommand.Create(),
};
foreach (var command in EngineCommands.Create())
    root.Subcommands.Add(command);
var parsed = root.Parse(args);
// a usage error is exit 2, as the header says (System.CommandLine's own is 1), with no command run and no host read
if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"error: {HaStack.Infra.Config.TextRules.Printable(error.Message)}");
    Console.Error.WriteLine("usage: see `hastack --help` or `hastack COMMAND --help`");
    return 2;
}
return parsed.Invoke();
