using HaStack.Deploy.Providers;
using HaStack.Deploy.Verification;
using HaStack.Infra.Rendering;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack verify</c>: the failover proof, or the fault matrix, on a deployed stack.</summary>
internal sealed class VerifyVerb(VerbSetting setting) : StackVerb(setting)
{
    /// <summary>
    /// <c>hastack verify</c>: the failover proof on its own, on a deployed stack; its figures become outputs. With
    /// <paramref name="faults"/> (a list, or empty for all), the fault matrix instead: exit 1 when a fault exceeds its
    /// budget or an acknowledged write is lost.
    /// </summary>
    public int Run(string? faults = null) => OnDeployedStack("verify", (run, context) => faults is not null ? VerifyFaults(run, context, faults) : Prove(run, context));

    private int Prove(PreparedRun run, ApplyContext context)
    {
        Events.Phase($"Verifying ({Options.Stack}): SQL through {run.Plan.Config.Vip.Address}, then the VIP holder's proxy stops");
        try
        {
            var figures = new FailoverProof(context).Run();
            RecordVerification(run.State.Outputs, figures);
            run.Store.Save(run.State);
            foreach (var (name, value) in figures)
                Events.Info($"    {name}: {value}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is VerificationFailedException || IsHostFailure(e))
        {
            Events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private int VerifyFaults(PreparedRun run, ApplyContext context, string list)
    {
        var (faults, unknown) = Faults.Select(run.Plan.Topology, list);
        if (unknown.Count > 0)
        {
            Events.Problem($"error: --faults: {string.Join(", ", unknown)}: not a fault; the faults are {string.Join(", ", Faults.For(run.Plan.Topology).Select(f => f.Name))}");
            return ExitCodes.Usage;
        }
        Events.Phase($"Fault matrix ({Options.Stack}): {faults.Count} fault(s), one at a time, while a client writes through {run.Plan.Config.Vip.Address}");
        try
        {
            var matrix = new FaultMatrix(run.Plan, context.Session, context.Secrets.Value(SecretNames.PostgresSuperuser), context.Secrets.Value(SecretNames.PatroniRest),
                text => Events.Info($"  {text}"));
            var (outcomes, lost) = matrix.Run(faults, Events.FaultMeasured);
            if (lost.Count > 0)
                Events.Problem($"error: {lost.Count} acknowledged write(s) lost: {string.Join("; ", lost.Take(20))}");
            else
                Events.Info($"    no acknowledged write lost ({outcomes.Sum(o => o.Figures.Acknowledged)} acknowledged during the faults)");
            var over = outcomes.Where(o => !o.WithinBudget).ToList();
            if (over.Count > 0)
                Events.Problem($"error: {string.Join("; ", over.Select(o => $"{o.Fault.Name}: {o.Verdict}"))}");
            return over.Count == 0 && lost.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception e) when (e is VerificationFailedException || e is Npgsql.NpgsqlException || IsHostFailure(e))
        {
            Events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
