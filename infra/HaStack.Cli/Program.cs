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
return root.Parse(args).Invoke();
