using System.CommandLine;
using HaStack.Cli.Commands;

// hastack: the embedded engine's command line. Exit codes: 0 done, 1 the stack or a step failed, 2 bad usage.
var root = new RootCommand("HaStack: PostgreSQL without a single point of failure, deployed over SSH from Pulumi stack files")
{
    ValidateCommand.Create(),
    RenderCommand.Create(),
    GraphCommand.Create(),
};
return root.Parse(args).Invoke();
