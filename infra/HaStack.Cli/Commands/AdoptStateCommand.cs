using System.CommandLine;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;

namespace HaStack.Cli.Commands;

/// <summary>
/// <c>hastack adopt-state</c>: a state written before states carried an authentication code is refused by every other
/// command, since nothing proves who wrote it. The operator adopts it once: it is checked like any state, what it
/// would let HaStack reach and delete is shown, and with <c>--yes</c> it is written again with its code.
/// </summary>
internal static class AdoptStateCommand
{
    public static Command Create()
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "adopt it: write it again with its authentication code" };
        var command = new Command("adopt-state", "adopt, once, a state written by a HaStack before states were authenticated")
        {
            StackOptions.Stack, StackOptions.Cwd, yes,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Adopt(parse, parse.GetValue(yes));
            }
            catch (Exception e) when (e is StateFileException or PassphraseUnreadableException or HaStack.Infra.Stack.IncorrectPassphraseException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int Adopt(ParseResult parse, bool yes)
    {
        var cwd = Path.GetFullPath(parse.GetValue(StackOptions.Cwd)!);
        var loaded = StackPipeline.Load(cwd, parse.GetValue(StackOptions.Stack)!, Environment.GetEnvironmentVariable);
        if (loaded.Config is not { } config)
        {
            foreach (var d in loaded.Diagnostics)
                Console.Error.WriteLine(d);
            return 1;
        }
        if (StackPipeline.Passphrase(Environment.GetEnvironmentVariable) is not { } phrase)
        {
            Console.Error.WriteLine("error: adopting a state needs the stack's passphrase: set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it");
            return 1;
        }
        var store = new StateStore(cwd, config.Project, config.Stack);
        if (!store.Exists)
        {
            Console.Error.WriteLine($"error: {store.StatePath} does not exist: there is nothing to adopt");
            return 1;
        }
        using var held = store.Lock("adopt-state", w => Console.Error.WriteLine($"warning: {w}"));
        try
        {
            store.Load(phrase);
            Console.WriteLine($"{store.StatePath} is already authenticated; nothing to adopt");
            return 0;
        }
        catch (StateFileException e) when (e.Unauthenticated)
        {
        }
        var state = store.Load(phrase, adoptUnauthenticated: true);
        Console.WriteLine($"{store.StatePath} has no authentication code. It records {state.Resources.Count} resource(s); the next up may reach, and delete what it recorded on:");
        foreach (var (name, host) in state.Hosts)
            Console.WriteLine($"    {name}  {host.Address}:{host.SshPort}{(config.Hosts.Any(h => h.Name == name && h.Address == host.Address) ? "" : "  (not in the stack file at this address)")}");
        if (!yes)
        {
            Console.Error.WriteLine("error: check that these are your hosts, then run again with --yes to adopt the state");
            return 2;
        }
        store.Save(state);
        Console.WriteLine("adopted: the state is written again with its authentication code");
        return 0;
    }
}
