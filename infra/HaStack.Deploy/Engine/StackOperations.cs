namespace HaStack.Deploy.Engine;

/// <summary>
/// preview, up, destroy, refresh, verify, status and switchover on one stack, each a verb of its own over a prepared
/// run (<see cref="StackPreparation"/>, Engine/Verbs). Everything they report goes out as events (<see cref="IRunEvents"/>);
/// how it looks is the caller's choice.
/// </summary>
internal sealed class StackOperations(OperationOptions options, IRunEvents events, CancellationToken cancel, IRunDisplay? display = null)
{
    private readonly VerbSetting setting = new(options, events, display ?? PlainRunDisplay.Instance, cancel);

    public int Preview() => new PreviewVerb(setting).Run();

    public int Up() => new UpVerb(setting).Run();

    public int Destroy() => new DestroyVerb(setting).Run();

    /// <summary>Reads every applied resource back from its host and records drift in state; changes no host.</summary>
    public int Refresh() => new RefreshVerb(setting).Run();

    /// <summary>The failover proof on a deployed stack, or with <paramref name="faults"/> (a list, or empty for all) the fault matrix.</summary>
    public int Verify(string? faults = null) => new VerifyVerb(setting).Run(faults);

    /// <summary>The deployed stack read from its hosts: exit 0 when healthy, 1 when degraded.</summary>
    public int Status() => new StatusVerb(setting).Run();

    /// <summary>The primary handed to <paramref name="to"/> (default: the sync standby), PgBouncer paused around it.</summary>
    public int Switchover(string? to) => new SwitchoverVerb(setting).Run(to);

    /// <summary>The failover proof for the Pulumi program, from the engine's JSON on standard input.</summary>
    public int VerifyFromEngine(string input) => new VerifyFromEngineVerb(setting).Run(input);
}
