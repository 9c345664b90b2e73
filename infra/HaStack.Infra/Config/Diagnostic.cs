using HaStack.Infra.Stack;

namespace HaStack.Infra.Config;

internal enum Severity
{
    Warning,
    Error,
}

/// <summary>
/// One problem with a stack: the key (Pulumi's path notation, <c>hastack:hosts[1].address</c>), the value found,
/// what is wrong and how to fix it. <see cref="Rule"/> names the check, so a test and a user can point at it.
/// </summary>
internal sealed record Diagnostic(Severity Severity, string Rule, string Key, string? Value, string Problem, string Fix, SourceLocation? Location)
{
    public static Diagnostic Error(string rule, string key, string? value, string problem, string fix, SourceLocation? at) =>
        new(Severity.Error, rule, key, value, problem, fix, at);

    public static Diagnostic Warning(string rule, string key, string? value, string problem, string fix, SourceLocation? at) =>
        new(Severity.Warning, rule, key, value, problem, fix, at);

    public override string ToString()
    {
        var where = Location is { } l ? $"{l}: " : "";
        var kind = Severity == Severity.Error ? "error" : "warning";
        var value = Value is null ? "" : $" '{Value}'";
        return $"{where}{kind}: {Key}:{value} {Problem}; fix: {Fix} [{Rule}]";
    }
}
