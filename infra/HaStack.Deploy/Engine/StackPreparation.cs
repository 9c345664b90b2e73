using System.Security.Cryptography;
using HaStack.Deploy.Agent;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Ssh;

namespace HaStack.Deploy.Engine;

/// <summary>
/// A stack ready to work on: its plan, its state (under the lock when the command changes it), its secrets, the agent
/// binary, and the SSH sessions opened to read the hosts' release (the command goes on with them).
/// </summary>
internal sealed record PreparedRun(StackPlan Plan, StateStore Store, StackState State, SecretStore Secrets, string AgentBinary, SessionPool Sessions, IDisposable? Lock)
    : IDisposable
{
    public void Dispose()
    {
        Sessions.Dispose();
        Lock?.Dispose();
    }
}

/// <summary>
/// Everything before a host is changed, in order, each failure one error line: a valid stack, the passphrase, the
/// agent binary (published from a checkout when stale), the SSH key (no host contacted before these), the lock, the
/// state (checked like user input), the hosts' Debian release (each host read, nothing changed) and the secrets.
/// </summary>
internal static class StackPreparation
{
    public static PreparedRun? Prepare(OperationOptions options, IRunEvents events, string? lockFor)
    {
        var loaded = StackPipeline.Load(options.ProjectDirectory, options.Stack, options.Environment);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            if (diagnostic.Severity == Severity.Error)
                events.Problem(diagnostic.ToString());
            else
                events.Warning(diagnostic.ToString());
        }
        if (loaded.Config is not { } config)
        {
            events.Problem($"{loaded.Diagnostics.Count(d => d.Severity == Severity.Error)} error(s) in the stack: no host was contacted");
            return null;
        }
        string? passphrase;
        try
        {
            passphrase = StackPipeline.Passphrase(options.Environment);
        }
        catch (PassphraseUnreadableException e)
        {
            events.Problem($"error: {e.Message}");
            return null;
        }
        if (passphrase is null)
        {
            events.Problem("error: the state keeps generated passwords encrypted with the stack's passphrase: set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it");
            return null;
        }
        var (agent, agentError) = AgentArtifact.Locate(options.ProjectDirectory, options.Environment, events.Warning);
        if (agent is null)
        {
            events.Problem($"error: {agentError}");
            return null;
        }
        if (KeyProblem(config) is { } keyProblem)
        {
            events.Problem($"error: {keyProblem}; no host was contacted");
            return null;
        }
        string sha;
        try
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(AgentArtifact.Read(agent)));
        }
        catch (HaStack.Infra.LocalFiles.LocalFileException e)
        {
            events.Problem($"error: {e.Message}");
            return null;
        }
        var store = new StateStore(options.ProjectDirectory, config.Project, config.Stack);
        IDisposable? held = null;
        SessionPool? sessions = null;
        try
        {
            held = lockFor is null ? null : store.Lock(lockFor, events.Warning);
            var state = store.Load(passphrase);
            sessions = new SessionPool(config, state);
            // the hosts' release decides packages and settings: read (read only) before anything is planned
            if (HostReleases.Resolve(config, state, sessions, events) is { } resolved)
            {
                var secrets = new SecretStore(state, resolved, store.Key);
                events.Mask(secrets.Plaintexts());
                return new PreparedRun(StackPipeline.Plan(resolved, sha), store, state, secrets, agent, sessions, held);
            }
        }
        catch (StackLockedException e)
        {
            events.Problem($"error: {e.Message}");
        }
        catch (StateFileException e)
        {
            events.Problem($"error: {e.Message}");
            events.Problem("nothing was done on any host");
        }
        catch (HaStack.Infra.Stack.IncorrectPassphraseException e)
        {
            events.Problem($"error: {store.StatePath}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HaStack.Infra.LocalFiles.LocalFileException)
        {
            events.Problem($"error: {e.Message}");
        }
        sessions?.Dispose();
        held?.Dispose();
        return null;
    }

    /// <summary>The private key is read before any host is contacted: a missing or unreadable one is one line, not a stack trace per host.</summary>
    internal static string? KeyProblem(StackConfig config)
    {
        var path = SshFiles.PrivateKeyPath(config.Ssh);
        try
        {
            using var key = new Renci.SshNet.PrivateKeyFile(new MemoryStream(SshFiles.ReadPrivateKey(config.Ssh)));
            return null;
        }
        catch (HaStack.Infra.LocalFiles.LocalFileException e)
        {
            return $"{e.Message} (an unencrypted SSH private key the hosts accept)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Renci.SshNet.Common.SshException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return $"hastack:ssh.privateKeyFile: '{TextRules.Printable(path)}' cannot be used as an SSH private key ({e.Message}); fix: point ssh.privateKeyFile at an unencrypted private key the hosts accept";
        }
    }
}
