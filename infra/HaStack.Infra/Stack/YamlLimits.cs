using HaStack.Infra.Config;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaStack.Infra.Stack;

/// <summary>
/// Bounds on what a stack file may be before it is loaded as a tree: its size, how deep it nests and how many
/// aliases it uses. YAML's tree loader recurses once per level, so 100,000 nested brackets would end the process
/// with a stack overflow; the event parser below walks it flat and stops at the first level too deep.
/// </summary>
internal static class YamlLimits
{
    public const int MaxFileBytes = 1 << 20;
    public const int MaxDepth = 64;
    public const int MaxAliases = 1000;
    public const int MaxNodes = 200_000;

    /// <summary>The first limit <paramref name="text"/> breaks, as a diagnostic; null when it is within all of them.</summary>
    public static Diagnostic? Check(string text, string file)
    {
        if (text.Length > MaxFileBytes)
            return Diagnostic.Error("yaml-too-large", file, null, $"is {text.Length} characters; a stack file is at most {MaxFileBytes}",
                "this is not a stack file HaStack wrote or documents; check what the file holds", new SourceLocation(file, 1));
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var aliases = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        return Diagnostic.Error("yaml-too-deep", file, null, $"nests more than {MaxDepth} levels deep",
                            "a stack file needs a few levels; remove the extra brackets or indentation", new SourceLocation(file, (int)parser.Current.Start.Line));
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case AnchorAlias when ++aliases > MaxAliases:
                        return Diagnostic.Error("yaml-too-large", file, null, $"uses more than {MaxAliases} aliases",
                            "write the values out instead of repeating them through aliases", new SourceLocation(file, (int)parser.Current.Start.Line));
                }
            }
        }
        catch (YamlException)
        {
            // a syntax error: the tree loader reports it with its own message and line
        }
        return null;
    }
}
