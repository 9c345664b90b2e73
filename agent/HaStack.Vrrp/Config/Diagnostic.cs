namespace HaStack.Vrrp.Config;

public enum Severity
{
    Warning,
    Error,
}

public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>One finding about a config, printed the way compilers do: <c>FILE:LINE: error: message</c>.</summary>
public sealed record Diagnostic(Severity Severity, SourceLocation Location, string Message)
{
    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";
}
