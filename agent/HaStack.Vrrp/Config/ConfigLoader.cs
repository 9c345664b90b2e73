using static HaStack.Vrrp.Config.KeepalivedKeywords;

namespace HaStack.Vrrp.Config;

public sealed record ConfigLoadResult(VrrpdConfig? Config, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// Reads keepalived's configuration language (the global_defs / vrrp_script / vrrp_instance subset) into a
/// <see cref="VrrpdConfig"/>, reporting every problem with its file and line. Contradictions between settings
/// are <see cref="ConfigRules"/>' job; this file reads values and places keywords.
/// </summary>
public static partial class ConfigLoader
{
    public static ConfigLoadResult Load(string file, IConfigSource source)
    {
        var diagnostics = new List<Diagnostic>();
        var tree = ConfigTree.Parse(file, source, diagnostics);
        var reader = new Reader(diagnostics);
        var global = new GlobalBuilder();
        var scripts = new List<ScriptTrackerConfig>();
        var instances = new List<InstanceBuilder>();
        var processes = new List<ProcessTrackerConfig>();
        foreach (var node in tree)
        {
            switch (node.Keyword)
            {
                case GlobalDefs when reader.ExpectBlock(node, ""):
                    foreach (var child in node.Block!)
                        reader.Global(child, global);
                    break;
                case VrrpScript when reader.ExpectBlock(node, " NAME"):
                    scripts.Add(reader.Script(node));
                    break;
                case VrrpInstance when reader.ExpectBlock(node, " NAME"):
                    var instance = new InstanceBuilder(node.Arguments.Count > 0 ? node.Arguments[0] : "", node.Location);
                    foreach (var child in node.Block!)
                        reader.Instance(child, instance);
                    instances.Add(instance);
                    break;
                case VrrpTrackProcess when reader.ExpectBlock(node, " NAME"):
                    processes.Add(reader.Process(node));
                    break;
                case GlobalDefs or VrrpScript or VrrpInstance or VrrpTrackProcess:
                    break;
                default:
                    reader.Misplaced(node, TopLevel, SupportedTopLevel, UnsupportedTopLevel);
                    break;
            }
        }
        var globalSettings = global.Build();
        var built = instances.Select(i => i.Build(globalSettings, diagnostics)).ToList();
        var config = new VrrpdConfig(globalSettings, scripts, built, processes);
        ConfigRules.Check(config, instances.ToDictionary(i => i, i => i.Raw), diagnostics);
        return new ConfigLoadResult(config, diagnostics);
    }
}
