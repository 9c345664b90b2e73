using System.CommandLine;
using System.Text.Json;
using HaStack.Infra;

namespace HaStack.Cli.Commands;

/// <summary><c>hastack graph</c>: the resource graph as JSON (ids, dependencies, input hashes, secret references).</summary>
internal static class GraphCommand
{
    public static Command Create()
    {
        var command = new Command("graph", "print the resource graph as JSON, in dependency order") { StackOptions.Stack, StackOptions.Cwd };
        command.SetAction(parse =>
        {
            var config = StackOptions.LoadOrReport(parse);
            if (config is null)
                return 1;
            var graph = StackPipeline.Plan(config).Graph;
            var rows = graph.Resources.Select(r => new GraphRow(r.Id, r.Host, r.DependsOn, r.InputHash, r.SecretRefs));
            Console.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.IEnumerableGraphRow));
            return 0;
        });
        return command;
    }
}

internal sealed record GraphRow(string Id, string? Host, IReadOnlyList<string> DependsOn, string InputHash, IReadOnlyList<string> SecretRefs);

[System.Text.Json.Serialization.JsonSerializable(typeof(IEnumerable<GraphRow>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class CliJson : System.Text.Json.Serialization.JsonSerializerContext;
