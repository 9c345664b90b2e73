using HaStack.Infra.Config;
using HaStack.Infra.LocalFiles;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaStack.Infra.Stack;

/// <summary>
/// The project's keys from <c>Pulumi.yaml</c> (defaults) and <c>Pulumi.&lt;stack&gt;.yaml</c> (values), merged:
/// a stack value replaces the project default of the same key. Keys are stored without the project namespace.
/// </summary>
internal sealed record StackDocument(
    string ProjectName,
    string StackName,
    string StackFile,
    string? EncryptionSalt,
    IReadOnlyDictionary<string, ConfigNode> Values,
    IReadOnlyList<Diagnostic> Diagnostics,
    string? SecretsProvider = null);

/// <summary>Reads Pulumi's project and stack files the way the pulumi CLI does (reference/pulumi.md §4.1-4.2).</summary>
internal static class StackFiles
{
    public const string ProjectFile = "Pulumi.yaml";

    public static string StackFileName(string stack) => $"Pulumi.{stack}.yaml";

    /// <summary>Reads both files from <paramref name="directory"/>; a missing file is a diagnostic, not an exception.</summary>
    public static StackDocument Read(string directory, string stack)
    {
        if (!Names.IsPulumiName(stack))
            return Missing(stack, "--stack", $"'{TextRules.Printable(stack)}' is not a stack name (it names the stack file and the state)",
                "use at most 100 letters, digits, '-', '_' and '.', as pulumi does (not . or ..)");
        var projectPath = Path.Combine(directory, ProjectFile);
        var stackPath = Path.Combine(directory, StackFileName(stack));
        if (BoundedFile.KindOf(projectPath) == BoundedFile.FileKind.Missing)
            return Missing(stack, ProjectFile, $"no {ProjectFile} in {Path.GetFullPath(directory)}", "run hastack in the project's directory, or pass --cwd DIR");
        if (BoundedFile.KindOf(stackPath) == BoundedFile.FileKind.Missing)
        {
            var others = Directory.GetFiles(directory, "Pulumi.*.yaml").Select(p => Path.GetFileName(p)[7..^5]).Order().ToList();
            return Missing(stack, StackFileName(stack), $"no stack file {StackFileName(stack)}",
                others.Count == 0 ? "create it (see Pulumi.prod.yaml in the HaStack repository)" : $"stacks here: {string.Join(", ", others)}");
        }
        var texts = new List<string>(2);
        foreach (var (path, name) in new[] { (projectPath, ProjectFile), (stackPath, StackFileName(stack)) })
        {
            try
            {
                texts.Add(BoundedFile.ReadText(path, YamlLimits.MaxFileBytes, name));
            }
            catch (LocalFileException e)
            {
                return Missing(stack, name, e.Message, "a stack file is a regular YAML file of at most 1 MiB; check what the file holds");
            }
        }
        return Parse(texts[0], texts[1], stack);
    }

    public static StackDocument Parse(string projectText, string stackText, string stack)
    {
        var diagnostics = new List<Diagnostic>();
        var stackFile = StackFileName(stack);
        var project = LoadYaml(projectText, ProjectFile, diagnostics) as ConfigMap;
        var stackRoot = LoadYaml(stackText, stackFile, diagnostics) as ConfigMap;
        var projectName = (project?["name"] as ConfigScalar)?.Text ?? "";
        if (project is not null && projectName.Length == 0)
            diagnostics.Add(Diagnostic.Error("project-name", "name", null, "Pulumi.yaml has no project name", "add `name: hastack`", project.Location));
        else if (project is not null && !Names.IsPulumiName(projectName))
            diagnostics.Add(Diagnostic.Error("project-name", "name", TextRules.Printable(projectName), "is not a project name (it names the state's directory)",
                "use at most 100 letters, digits, '-', '_' and '.', as pulumi does (not . or ..)", project["name"]?.Location ?? project.Location));

        var values = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        if (project?["config"] is ConfigMap projectConfig)
        {
            foreach (var (rawKey, node) in projectConfig.Entries)
            {
                // project-level config declares types and defaults; only a default (or value) is a value
                if (TryOwnKey(rawKey, projectName, out var key) && node is ConfigMap declaration &&
                    (declaration["default"] ?? declaration["value"]) is { } fallback)
                    values[key] = fallback;
            }
        }

        string? salt = null, secretsProvider = null;
        if (stackRoot is not null)
        {
            salt = (stackRoot["encryptionsalt"] as ConfigScalar)?.Text;
            secretsProvider = (stackRoot["secretsprovider"] as ConfigScalar)?.Text;
            foreach (var (topKey, node) in stackRoot.Entries)
            {
                if (topKey is "config" or "encryptionsalt" or "secretsprovider" or "encryptedkey" or "environment")
                    continue;
                diagnostics.Add(Diagnostic.Warning("stack-top-level-key", topKey, null, "is not a stack-file setting; HaStack ignores it",
                    "put settings under `config:` as `hastack:KEY`", node.Location));
            }
            if (stackRoot["config"] is ConfigMap config)
            {
                foreach (var (rawKey, node) in config.Entries)
                {
                    if (TryOwnKey(rawKey, projectName, out var key))
                        values[key] = node;
                    else
                        diagnostics.Add(Diagnostic.Warning("foreign-namespace", rawKey, null,
                            $"belongs to another namespace than the project's ({projectName}); HaStack ignores it",
                            $"write it as {projectName}:{rawKey[(rawKey.IndexOf(':') + 1)..]} if it is meant for HaStack", node.Location));
                }
            }
            else if (stackRoot["config"] is { } notMap)
                diagnostics.Add(Diagnostic.Error("stack-config-shape", "config", null, "must be a mapping of keys to values",
                    "write `config:` then indented `hastack:KEY: value` lines", notMap.Location));
        }
        return new StackDocument(projectName, stack, stackFile, salt, values, diagnostics, secretsProvider);
    }

    /// <summary>A key of this project: <c>project:key</c>, or a bare key (the CLI rewrites it to the project's namespace).</summary>
    private static bool TryOwnKey(string rawKey, string projectName, out string key)
    {
        var colon = rawKey.IndexOf(':');
        key = colon < 0 ? rawKey : rawKey[(colon + 1)..];
        if (colon < 0)
            return true;
        var ns = rawKey[..colon];
        if (key.StartsWith("config:", StringComparison.Ordinal))
            key = key[7..]; // legacy ns:config:name
        return ns == projectName;
    }

    private static StackDocument Missing(string stack, string file, string problem, string fix) =>
        new("", stack, StackFileName(stack), null, new Dictionary<string, ConfigNode>(),
            [Diagnostic.Error("stack-file-missing", file, null, problem, fix, null)]);

    private static ConfigNode? LoadYaml(string text, string file, List<Diagnostic> diagnostics)
    {
        if (YamlLimits.Check(text, file) is { } tooBig)
        {
            diagnostics.Add(tooBig);
            return null;
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            diagnostics.Add(Diagnostic.Error("yaml-syntax", file, null, $"is not valid YAML: {e.InnerException?.Message ?? e.Message}",
                "fix the YAML at that line (indentation, a missing ':' or an unclosed quote)", new SourceLocation(file, (int)e.Start.Line)));
            return null;
        }
        if (stream.Documents.Count == 0)
            return new ConfigMap([], new SourceLocation(file, 1));
        if (stream.Documents.Count > 1)
        {
            diagnostics.Add(Diagnostic.Error("yaml-documents", file, null, $"holds {stream.Documents.Count} YAML documents; a stack file is one (pulumi refuses the others too)",
                "remove the `---` line and what follows it, or merge it into the first document", new SourceLocation(file, (int)stream.Documents[1].RootNode.Start.Line)));
            return null;
        }
        var budget = new NodeBudget();
        var root = Convert(stream.Documents[0].RootNode, file, budget);
        if (budget.Cycle is { } loop)
        {
            diagnostics.Add(Diagnostic.Error("yaml-alias-cycle", file, null, "has an alias inside the value it names (`&a { key: *a }`): the value would never end",
                "write the value out instead of referring to itself", loop));
            return null;
        }
        if (budget.Exceeded is { } at)
        {
            diagnostics.Add(Diagnostic.Error("yaml-too-large", file, null,
                $"expands to more than {YamlLimits.MaxNodes} values (aliases are expanded where they are used)",
                "write the values out; a stack file needs no aliases that repeat large parts", at));
            return null;
        }
        return root;
    }

    /// <summary>Counts values as aliases expand them: a small file whose aliases nest can otherwise grow without bound.</summary>
    private sealed class NodeBudget
    {
        private int used;
        public SourceLocation? Exceeded { get; private set; }

        /// <summary>Where an alias first named a node it sits inside of.</summary>
        public SourceLocation? Cycle { get; set; }

        /// <summary>The nodes from the root to the one being converted: an alias resolves to the very node it names.</summary>
        public HashSet<YamlNode> Path { get; } = new(ReferenceEqualityComparer.Instance);

        public bool Take(SourceLocation at)
        {
            if (Exceeded is not null)
                return false;
            if (++used <= YamlLimits.MaxNodes)
                return true;
            Exceeded = at;
            return false;
        }
    }

    private static ConfigNode Convert(YamlNode node, string file, NodeBudget budget)
    {
        var at = new SourceLocation(file, (int)node.Start.Line);
        if (!budget.Take(at))
            return new ConfigScalar("", at);
        if (!budget.Path.Add(node))
        {
            budget.Cycle ??= at;
            return new ConfigScalar("", at);
        }
        try
        {
            return ConvertWithin(node, file, budget, at);
        }
        finally
        {
            budget.Path.Remove(node);
        }
    }

    private static ConfigNode ConvertWithin(YamlNode node, string file, NodeBudget budget, SourceLocation at)
    {
        switch (node)
        {
            case YamlMappingNode map:
                if (map.Children.Count == 1 && map.Children.Keys.Single() is YamlScalarNode { Value: "secure" } &&
                    map.Children.Values.Single() is YamlScalarNode secure)
                    return new ConfigSecure(secure.Value ?? "", at);
                return new ConfigMap(map.Children.Select(kv => new KeyValuePair<string, ConfigNode>(
                    (kv.Key as YamlScalarNode)?.Value ?? kv.Key.ToString(), Convert(kv.Value, file, budget))).ToList(), at);
            case YamlSequenceNode list:
                return new ConfigList(list.Children.Select(c => Convert(c, file, budget)).ToList(), at);
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "~" or "null" or "Null" or "NULL" }:
                // YAML's null, written plainly: no value, as an empty one (a quoted "~" is the text ~)
                return new ConfigScalar("", at);
            case YamlScalarNode scalar:
                return new ConfigScalar(scalar.Value ?? "", at);
            default:
                return new ConfigScalar(node.ToString(), at);
        }
    }
}
