using Scriban.Runtime;

namespace HaStack.Infra.Rendering;

/// <summary>A named part of the model the templates see, which a component contributes (<see cref="Catalogue.Component.Model"/>).</summary>
internal sealed record ModelSection(string Name, object? Value);

/// <summary>How the template model is built: objects of named fields, as Scriban reads them.</summary>
internal static class TemplateModel
{
    public static ScriptObject Obj(params (string Name, object? Value)[] fields)
    {
        var o = new ScriptObject();
        foreach (var (name, value) in fields)
            o[name] = value;
        return o;
    }
}
