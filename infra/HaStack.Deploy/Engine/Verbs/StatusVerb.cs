using HaStack.Deploy.Verification;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack status</c>: the deployed stack read from its hosts, judged healthy or degraded.</summary>
internal sealed class StatusVerb(VerbSetting setting) : StackVerb(setting)
{
    /// <summary>
    /// <c>hastack status</c>: the deployed stack read from its hosts, changing nothing and taking no lock (it works
    /// while an <c>up</c> runs); exit 0 when healthy, 1 when degraded (each reason said).
    /// </summary>
    public int Run() => OnDeployedStack("status", (run, context) =>
    {
        var proof = FailoverProof.Figures.Where(run.State.Outputs.ContainsKey).ToDictionary(f => f, f => run.State.Outputs[f].Value, StringComparer.Ordinal);
        var status = new HaStack.Deploy.Status.StatusReader(run.Plan, context.Session).Read(Options.Stack, proof) with
        {
            Certificates = HaStack.Deploy.Status.StatusReader.Certificates(run.State),
            AuthorityEnds = HaStack.Deploy.Status.StatusReader.AuthorityEnds(run.State),
        };
        var verdict = HaStack.Deploy.Status.StatusHealth.Judge(status, run.Plan);
        Events.Status(status, verdict);
        return verdict.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
    }, takeLock: false);
}
