using System.CommandLine;
using System.Text.Json;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;

namespace HaStack.Cli.Commands;

/// <summary><c>hastack output</c>: the stack's outputs from state, as <c>pulumi stack output</c> prints them.</summary>
internal static class OutputCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Description = "one output, printed raw", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "print as JSON" };
        var showSecrets = new Option<bool>("--show-secrets") { Description = "decrypt secret outputs (needs the passphrase)" };
        var command = new Command("output", "print the stack's outputs (connection strings through the VIP, verification figures)")
        {
            StackOptions.Stack, StackOptions.Cwd, name, json, showSecrets,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Print(parse, name, json, showSecrets);
            }
            catch (Exception e) when (e is StateFileException or PassphraseUnreadableException or HaStack.Infra.Stack.IncorrectPassphraseException or OutputUnreadableException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private sealed class OutputUnreadableException(string message) : Exception(message);

    /// <summary>A secret output decrypted, or one error line: state is authenticated, so a value that does not open was sealed under another key.</summary>
    private static string Reveal(StateStore store, string name, string sealedValue)
    {
        try
        {
            return store.Key.Decrypt(sealedValue);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException)
        {
            throw new OutputUnreadableException($"{store.StatePath}: outputs.{TextRules.Printable(name)} does not decrypt with the stack's key; fix: run `hastack up` to record it again");
        }
    }

    private static int Print(ParseResult parse, Argument<string?> name, Option<bool> json, Option<bool> showSecrets)
    {
        var loaded = StackPipeline.Load(parse.GetValue(StackOptions.Cwd)!, parse.GetValue(StackOptions.Stack)!, Environment.GetEnvironmentVariable);
        if (loaded.Config is not { } config)
        {
            foreach (var d in loaded.Diagnostics)
                Console.Error.WriteLine(d);
            return 1;
        }
        var phrase = StackPipeline.Passphrase(Environment.GetEnvironmentVariable);
        if (phrase is null)
        {
            Console.Error.WriteLine("error: the state is authenticated with the stack's passphrase: set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it");
            return 1;
        }
        var store = new StateStore(Path.GetFullPath(parse.GetValue(StackOptions.Cwd)!), config.Project, config.Stack);
        var state = store.Load(phrase);
        Func<string, OutputValue, string> show = (_, v) => v.Secret ? "[secret]" : v.Value;
        if (parse.GetValue(showSecrets))
            show = (key, v) => v.Secret ? Reveal(store, key, v.Value) : v.Value;
        var values = state.Outputs.ToDictionary(kv => kv.Key, kv => show(kv.Key, kv.Value));
        if (parse.GetValue(name) is { } one)
        {
            if (!values.TryGetValue(one, out var value))
            {
                Console.Error.WriteLine($"error: current stack does not have output property '{TextRules.Printable(one)}'");
                return 1;
            }
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(value, CliJson.Default.String) : TextRules.ForTerminal(value, multiline: true));
            return 0;
        }
        if (parse.GetValue(json))
        {
            Console.WriteLine(JsonSerializer.Serialize(values, CliJson.Default.DictionaryStringString));
            return 0;
        }
        if (values.Count == 0)
        {
            Console.WriteLine("No output values currently in this stack");
            return 0;
        }
        Console.WriteLine($"Current stack outputs ({values.Count}):");
        var width = Math.Max("OUTPUT".Length, values.Keys.Max(k => k.Length));
        Console.WriteLine($"    {"OUTPUT".PadRight(width)}  VALUE");
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            Console.WriteLine($"    {TextRules.Printable(key).PadRight(width)}  {TextRules.Printable(OutputValue.OnOneLine(key, value))}");
        return 0;
    }
}
