using System.Collections.Immutable;

namespace Pulumi;

public abstract class ResourceArgs
{
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class InputAttribute(string name, bool required = false, bool json = false) : Attribute
{
    public string Name { get; } = name;
    public bool IsRequired { get; } = required;
    public bool Json { get; } = json;
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class OutputAttribute(string? name = null) : Attribute
{
    public string? Name { get; } = name;
}

public class Resource
{
    private readonly string type;
    private readonly string name;

    private protected Resource(string type, string name, ResourceArgs? args, ResourceOptions options, bool custom)
    {
        this.type = type;
        this.name = name;
        Urn = Output.Create($"urn:pulumi:stack::project::{type}::{name}");
        Testing.RecordingRuntime.Register(this, args, options, custom);
    }

    public Output<string> Urn { get; private protected set; }

    public string GetResourceType() => type;

    public string GetResourceName() => name;
}

public class CustomResource : Resource
{
    public CustomResource(string type, string name, ResourceArgs? args, CustomResourceOptions? options = null)
        : base(type, name, args, options ?? new CustomResourceOptions(), custom: true)
    {
    }

    public Output<string> Id { get; private protected set; } = Output.Create("");
}

public class ComponentResource : Resource
{
    public ComponentResource(string type, string name, ComponentResourceOptions? options = null)
        : base(type, name, null, options ?? new ComponentResourceOptions(), custom: false)
    {
    }

    public ComponentResource(string type, string name, ResourceArgs? args, ComponentResourceOptions? options = null, bool remote = false)
        : base(type, name, args, options ?? new ComponentResourceOptions(), custom: false)
    {
    }

    protected void RegisterOutputs()
    {
    }

    protected void RegisterOutputs(IDictionary<string, object?> outputs)
    {
    }

    protected void RegisterOutputs(Task<IDictionary<string, object?>> outputs)
    {
    }

    protected void RegisterOutputs(Output<IDictionary<string, object?>> outputs)
    {
    }
}

public sealed class CustomTimeouts
{
    public TimeSpan? Create { get; set; }
    public TimeSpan? Update { get; set; }
    public TimeSpan? Delete { get; set; }
}

public abstract class ResourceOptions
{
    private InputList<Resource>? dependsOn;
    private List<string>? ignoreChanges;
    private List<string>? replaceOnChanges;

    public Input<string>? Id { get; set; }
    public Resource? Parent { get; set; }
    public InputList<Resource> DependsOn { get => dependsOn ??= new(); set => dependsOn = value; }
    public bool? Protect { get; set; }
    public List<string> IgnoreChanges { get => ignoreChanges ??= []; set => ignoreChanges = value; }
    public List<string> ReplaceOnChanges { get => replaceOnChanges ??= []; set => replaceOnChanges = value; }
    public CustomTimeouts? CustomTimeouts { get; set; }
    public bool? RetainOnDelete { get; set; }
    public Resource? DeletedWith { get; set; }
}

public sealed class CustomResourceOptions : ResourceOptions
{
    private List<string>? additionalSecretOutputs;

    public bool? DeleteBeforeReplace { get; set; }
    public List<string> AdditionalSecretOutputs { get => additionalSecretOutputs ??= []; set => additionalSecretOutputs = value; }
    public string? ImportId { get; set; }

    /// <summary>The second's values win where set; lists are joined, as Pulumi merges a resource's defaults with the caller's options.</summary>
    public static CustomResourceOptions Merge(CustomResourceOptions? options1, CustomResourceOptions? options2)
    {
        var a = options1 ?? new CustomResourceOptions();
        var b = options2 ?? new CustomResourceOptions();
        var merged = new CustomResourceOptions
        {
            Id = b.Id ?? a.Id,
            Parent = b.Parent ?? a.Parent,
            Protect = b.Protect ?? a.Protect,
            CustomTimeouts = b.CustomTimeouts ?? a.CustomTimeouts,
            RetainOnDelete = b.RetainOnDelete ?? a.RetainOnDelete,
            DeletedWith = b.DeletedWith ?? a.DeletedWith,
            DeleteBeforeReplace = b.DeleteBeforeReplace ?? a.DeleteBeforeReplace,
            ImportId = b.ImportId ?? a.ImportId,
            AdditionalSecretOutputs = [.. a.AdditionalSecretOutputs, .. b.AdditionalSecretOutputs],
            IgnoreChanges = [.. a.IgnoreChanges, .. b.IgnoreChanges],
            ReplaceOnChanges = [.. a.ReplaceOnChanges, .. b.ReplaceOnChanges],
        };
        merged.DependsOn = a.DependsOn.Concat(b.DependsOn);
        return merged;
    }
}

public sealed class ComponentResourceOptions : ResourceOptions
{
}

public abstract class AssetOrArchive
{
    private protected AssetOrArchive(string kind, object value)
    {
        Kind = kind;
        Value = value;
    }

    internal string Kind { get; }
    internal object Value { get; }
}

public abstract class Asset : AssetOrArchive
{
    private protected Asset(string kind, object value)
        : base(kind, value)
    {
    }
}

public sealed class FileAsset(string path) : Asset("path", path);

public sealed class StringAsset(string text) : Asset("text", text);

public static class Log
{
    public static void Warn(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Testing.RecordingRuntime.Logged.Add(("warning", message));

    public static void Error(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Testing.RecordingRuntime.Logged.Add(("error", message));

    public static void Info(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Testing.RecordingRuntime.Logged.Add(("info", message));
}

/// <summary>Only named here: RunAsync takes it; the program passes none.</summary>
public sealed class StackOptions
{
}
