using HaStack.Infra;

namespace HaStack.Deploy.Status;

/// <summary>
/// Judges a <see cref="StackStatus"/> against what the stack says should run: each reason it is degraded (the
/// exit code follows them), and notes that need a look but leave service whole. Pure. Each component's judgement is in
/// its folder (<c>Components/*/StatusHealth.*.cs</c>).
/// </summary>
internal static partial class StatusHealth
{
    public sealed record Verdict(IReadOnlyList<string> Degraded, IReadOnlyList<string> Notes)
    {
        public bool Healthy => Degraded.Count == 0;
    }

    /// <param name="now">what certificates are judged against (tests move it); the clock by default</param>
    public static Verdict Judge(StackStatus status, StackPlan plan, DateTimeOffset? now = null)
    {
        var degraded = new List<string>();
        var notes = new List<string>();
        degraded.AddRange(status.Unreadable);

        Agent(status, degraded);
        Patroni(status, plan, degraded, notes);
        Etcd(status, plan, degraded);
        Haproxy(status, degraded);
        PgBouncer(status, notes);
        if (status.LastProof.Count == 0)
            notes.Add("no failover proof recorded: run hastack verify");
        Certificates(status, now ?? DateTimeOffset.UtcNow, degraded, notes);
        return new Verdict(degraded, notes);
    }
}
