using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace HaStack.Pulumi.Tests;

/// <summary>
/// Pulumi.yaml as every pulumi command checks it before it runs anything, with the rules re-declared from
/// pulumi/pulumi at v3.259.0 (commit 0ac56e876614aedf12771d73ef7e80959b8a6fd4, the CLI of 2026-08-19, beside
/// pulumi-dotnet 3.112.1 that the program pins): the JSON schema sdk/go/common/workspace/project.json, the checks of
/// Project.Validate (sdk/go/common/workspace/project.go) and the required keys of mergeConfig
/// (pkg/workspace/config.go). The config types are the schema's before pulumi/pulumi#20129 (v3.186.0) added
/// <c>object</c>: string, integer, boolean, array, so the file holds for older CLIs too.
/// </summary>
public sealed partial class ProjectFileTests
{
    private static readonly string[] ConfigTypes = ["string", "integer", "boolean", "array"];

    private static string Project(string file) => Path.Combine(AppContext.BaseDirectory, "Project", file);

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    /// <summary>A YAML value's JSON type, as Pulumi reads the file (YAML 1.2 core schema for plain scalars).</summary>
    private static string JsonType(YamlNode node) => node switch
    {
        YamlMappingNode => "object",
        YamlSequenceNode => "array",
        YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } => "string",
        YamlScalarNode { Value: null or "null" or "~" or "" } => "null",
        YamlScalarNode { Value: "true" or "false" } => "boolean",
        YamlScalarNode scalar when Integer().IsMatch(scalar.Value!) => "integer",
        _ => "string",
    };

    [GeneratedRegex(@"\A[-+]?[0-9]+\z")]
    private static partial Regex Integer();

    private static List<string> Problems(YamlMappingNode project)
    {
        var problems = new List<string>();
        var root = project.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value);
        // keys whose rules this test carries; the schema allows others (additionalProperties: true), which would need their rules here first
        foreach (var key in root.Keys.Except(["name", "runtime", "main", "description", "config"]))
            problems.Add($"{key}: a key this test does not check");
        if (!root.TryGetValue("name", out var name) || JsonType(name) != "string" || ((YamlScalarNode)name).Value!.Length == 0)
            problems.Add("name: required, a non-empty string");
        foreach (var key in new[] { "main", "description" })
            if (root.TryGetValue(key, out var text) && JsonType(text) is not ("string" or "null"))
                problems.Add($"{key}: a string or null");
        if (root.TryGetValue("runtime", out var runtime) &&
            !(JsonType(runtime) == "string" && ((YamlScalarNode)runtime).Value!.Length > 0) &&
            !(runtime is YamlMappingNode r && r.Children.Keys.All(k => ((YamlScalarNode)k).Value is "name" or "options")))
            problems.Add("runtime: a name, or {name, options}");
        if (!root.TryGetValue("config", out var configNode))
            return problems;
        if (configNode is not YamlMappingNode config)
            return [.. problems, "config: an object"];
        var projectName = ((YamlScalarNode)name!).Value!;
        foreach (var (keyNode, value) in config.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var type = JsonType(value);
            if (type is "string" or "integer" or "boolean" or "array")
                continue;   // a plain value
            if (value is not YamlMappingNode declaration)
            {
                problems.Add($"config.{key}: a string, integer, boolean, array or declaration, not {type}");
                continue;
            }
            var fields = declaration.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value);
            foreach (var field in fields.Keys.Except(["type", "items", "description", "secret", "default", "value"]))
                problems.Add($"config.{key}.{field}: not a field of a declaration");
            if (fields.TryGetValue("type", out var declared) && !ConfigTypes.Contains(((YamlScalarNode)declared).Value))
                problems.Add($"config.{key}.type: '{((YamlScalarNode)declared).Value}' is not one of {string.Join(", ", ConfigTypes)}");
            if (fields.TryGetValue("items", out var items))
                problems.AddRange(ItemsProblems($"config.{key}.items", items));
            if (fields.TryGetValue("description", out var description) && JsonType(description) != "string")
                problems.Add($"config.{key}.description: a string");
            if (fields.TryGetValue("secret", out var secret) && JsonType(secret) != "boolean")
                problems.Add($"config.{key}.secret: true or false");
            // Project.Validate
            if (fields.ContainsKey("default") && fields.ContainsKey("value"))
                problems.Add($"config.{key}: both a default and a value");
            var namespaced = !key.Contains(':', StringComparison.Ordinal) || key.StartsWith(projectName + ":", StringComparison.Ordinal);
            if (namespaced && declared is YamlScalarNode { Value: "array" } && items is null)
                problems.Add($"config.{key}: an array without items");
            if (!namespaced && (declared is not null || fields.ContainsKey("default") || !fields.ContainsKey("value")))
                problems.Add($"config.{key}: not the project's key, so a value only");
        }
        return problems;
    }

    private static IEnumerable<string> ItemsProblems(string at, YamlNode items)
    {
        if (items is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode("type"), out var type))
        {
            yield return $"{at}: an object with a type";
            yield break;
        }
        if (type is YamlMappingNode)
            foreach (var problem in ItemsProblems($"{at}.type", type))
                yield return problem;
        else if (!ConfigTypes.Contains(((YamlScalarNode)type).Value))
            yield return $"{at}.type: '{((YamlScalarNode)type).Value}' is not one of {string.Join(", ", ConfigTypes)}";
        if (type is YamlScalarNode { Value: "array" } && !map.Children.ContainsKey(new YamlScalarNode("items")))
            yield return $"{at}: an array without items";
    }

    [Fact]
    public void The_project_file_holds_to_pulumis_project_schema()
    {
        Assert.Empty(Problems(Load(Project("Pulumi.yaml"))));
    }

    [Theory]
    [InlineData("config:\n  hastack:ssh:\n    type: object\n", "config.hastack:ssh.type: 'object' is not one of")]
    [InlineData("config:\n  hastack:hosts:\n    type: array\n    items: { type: object }\n", "config.hastack:hosts.items.type: 'object'")]
    [InlineData("config:\n  hastack:hosts:\n    type: array\n", "an array without items")]
    [InlineData("config:\n  hastack:vip:\n    default: x\n    value: y\n", "both a default and a value")]
    [InlineData("config:\n  aws:region:\n    type: string\n", "not the project's key")]
    [InlineData("config:\n  hastack:vip:\n    kind: x\n", "config.hastack:vip.kind: not a field")]
    [InlineData("backend:\n  url: file://.\n", "backend: a key this test does not check")]
    public void What_the_rules_refuse_is_refused(string config, string problem)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader("name: hastack\nruntime: dotnet\n" + config));
        Assert.Contains(Problems((YamlMappingNode)yaml.Documents[0].RootNode), p => p.Contains(problem, StringComparison.Ordinal));
    }

    /// <summary>A key the project declares with neither default nor value is one Pulumi requires of every stack (mergeConfig).</summary>
    [Fact]
    public void Every_stack_file_shipped_sets_every_key_the_project_requires()
    {
        var config = (YamlMappingNode)Load(Project("Pulumi.yaml")).Children[new YamlScalarNode("config")];
        var required = config.Children.Where(kv => kv.Value is YamlMappingNode d && !d.Children.ContainsKey(new YamlScalarNode("default")) && !d.Children.ContainsKey(new YamlScalarNode("value")))
            .Select(kv => ((YamlScalarNode)kv.Key).Value!).ToList();
        Assert.Equal(["hastack:hosts", "hastack:vip"], required);
        var stacks = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Project"), "Pulumi.*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Stacks"), "Pulumi.*.yaml")).ToList();
        Assert.True(stacks.Count >= 9, $"found {stacks.Count} stack files");
        foreach (var stack in stacks)
        {
            var set = ((YamlMappingNode)Load(stack).Children[new YamlScalarNode("config")]).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
            Assert.All(required, key => Assert.True(set.Contains(key), $"{Path.GetFileName(stack)} does not set {key}"));
        }
    }
}
