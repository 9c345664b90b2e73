namespace HaStack.Deploy.Engine;

/// <summary>Exit codes, Pulumi's taxonomy (reference/pulumi.md §5.6).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int ChangesProposed = 7;
    public const int Cancelled = 8;
}

/// <param name="Confirm">asks the user to go ahead with WHAT (update, destroy); null when nobody can answer (no terminal)</param>
internal sealed record OperationOptions(
    string ProjectDirectory,
    string Stack,
    Func<string, string?> Environment,
    bool Yes = false,
    bool SkipPreview = false,
    bool Diff = false,
    bool ExpectNoChanges = false,
    bool PurgeData = false,
    int Parallelism = 8,
    Func<string, bool>? Confirm = null,
    string? LogPath = null);
