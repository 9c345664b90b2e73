using HaStack.Deploy.Planning;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Rendering;
using HaStack.Infra.Tls;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack up</c>: the plan shown, confirmed and applied under the stack's lock; then the stack's outputs.</summary>
internal sealed class UpVerb(VerbSetting setting) : StackVerb(setting)
{
    public int Run()
    {
        using var run = StackPreparation.Prepare(Options, Events, lockFor: "up");
        if (run is null)
            return ExitCodes.Failed;
        var steps = Planner.Plan(run.Plan.Graph, run.State, run.Secrets.Version);
        if (!Options.SkipPreview)
        {
            Events.Plan($"Previewing update ({Options.Stack})", steps, Options.Diff);
            Events.Summary(new RunSummary(steps, Past: false));
        }
        if (Refused(steps))
            return ExitCodes.Failed;
        if (Options.ExpectNoChanges && steps.Any(s => s.IsChange))
            return Verdict(steps);
        if (Options.PurgeData && steps.Any(s => s.Op == StepOp.Delete))
            Events.Info("    --purge-data: the data directories of the services deleted above will be removed too");
        if (!Confirmed("update"))
            return ExitCodes.Usage;
        var code = Apply(run, steps, "Updating", Options.PurgeData);
        if (code == ExitCodes.Ok)
            WriteOutputs(run);
        return code;
    }

    private void WriteOutputs(PreparedRun run)
    {
        var config = run.Plan.Config;
        var secrets = run.Secrets;
        var (writes, reads) = run.Plan.Topology.ClientPorts;
        var outputs = run.State.Outputs;
        outputs["vipAddress"] = new OutputValue(config.Vip.Address, false);
        // with TLS the connection strings check the server against the cluster's CA (caCertificate, saved where libpq
        // looks by default: ~/.postgresql/root.crt) and its name against the VIP
        var checks = config.Tls.Enabled ? "?sslmode=verify-full" : "";
        outputs["writer"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{writes}/postgres{checks}", false);
        if (reads is { } r)
            outputs["reader"] = new OutputValue($"postgresql://postgres@{config.Vip.Address}:{r}/postgres{checks}", false);
        if (secrets.Has(TlsSecrets.CaCertificate))
            outputs["caCertificate"] = new OutputValue(secrets.Value(TlsSecrets.CaCertificate), false);
        outputs["postgresPassword"] = new OutputValue(secrets.Encrypt(secrets.Value(SecretNames.PostgresSuperuser)), true);
        if (run.State.Resources.FirstOrDefault(res => res.Type == ResourceTypes.Verification) is { } verified)
            RecordVerification(outputs, verified.Outputs);
        run.Store.Save(run.State);
        Events.Outputs(outputs);
    }
}
