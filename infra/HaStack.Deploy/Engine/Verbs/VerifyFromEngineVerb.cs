using HaStack.Deploy.State;
using HaStack.Deploy.Verification;

namespace HaStack.Deploy.Engine;

/// <summary><c>hastack verify --from-engine</c>: the failover proof the Pulumi program runs as a local command.</summary>
internal sealed class VerifyFromEngineVerb(VerbSetting setting) : StackVerb(setting)
{
    /// <summary>
    /// <c>hastack verify --from-engine</c>: the failover proof for the Pulumi program, which runs it as a local
    /// command. Standard input is one JSON object: <c>project</c>, <c>stack</c>, <c>config</c> and <c>secretKeys</c> as the
    /// Pulumi engine gave them, and <c>superuserPassword</c>. No state and no passphrase: the figures are reported
    /// (and, with --json, printed as an "outputs" line), not recorded.
    /// </summary>
    public int Run(string input)
    {
        string project, stack, password;
        Dictionary<string, string> config;
        List<string> secretKeys;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(input);
            var root = json.RootElement;
            project = root.GetProperty("project").GetString()!;
            stack = root.GetProperty("stack").GetString()!;
            password = root.GetProperty("superuserPassword").GetString()!;
            config = root.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            secretKeys = root.GetProperty("secretKeys").EnumerateArray().Select(k => k.GetString()!).ToList();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Events.Problem($"error: --from-engine reads one JSON object on standard input (project, stack, config, secretKeys, superuserPassword): {e.Message}");
            return ExitCodes.Usage;
        }
        Events.Mask([password]);
        var loaded = Infra.StackPipeline.LoadFromEngine(project, stack, config, secretKeys);
        foreach (var diagnostic in loaded.Diagnostics)
            Events.Problem(diagnostic.ToString());
        if (loaded.Config is not { } stackConfig)
            return ExitCodes.Failed;
        if (StackPreparation.KeyProblem(stackConfig) is { } keyProblem)
        {
            Events.Problem($"error: {keyProblem}");
            return ExitCodes.Failed;
        }
        var plan = Infra.StackPipeline.Plan(stackConfig);
        using var sessions = new SessionPool(stackConfig, new StackState());
        Events.Phase($"Verifying ({stack}): SQL through {stackConfig.Vip.Address}, then the VIP holder's proxy stops");
        try
        {
            var figures = new FailoverProof(plan, sessions.Get, password).Run();
            Events.Outputs(figures.ToDictionary(f => f.Key, f => new OutputValue(f.Value, false), StringComparer.Ordinal));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is VerificationFailedException || IsHostFailure(e))
        {
            Events.Problem($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
