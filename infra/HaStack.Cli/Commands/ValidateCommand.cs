using System.CommandLine;
using HaStack.Infra;

namespace HaStack.Cli.Commands;

/// <summary><c>hastack validate</c>: every problem of a stack file at once; no host is contacted.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var command = new Command("validate", "check a stack file and print every problem (key, value, fix); exit 1 on errors")
        {
            StackOptions.Stack,
            StackOptions.Cwd,
        };
        command.SetAction(parse =>
        {
            var config = StackOptions.LoadOrReport(parse, quietWhenClean: false);
            if (config is null)
                return 1;
            var plan = StackPipeline.Plan(config);
            Console.WriteLine($"{config.Hosts.Count} hosts, {plan.Graph.Resources.Count} resources; VIP {config.Vip.Address} over {config.VipHosts.Count} {config.Vip.FloatsOver.ToString().ToLowerInvariant()} hosts");
            return 0;
        });
        return command;
    }
}
