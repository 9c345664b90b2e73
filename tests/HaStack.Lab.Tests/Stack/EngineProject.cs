using System.Diagnostics;
using HaStack.Lab.Tests.Agent;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

public sealed record HastackRun(int Exit, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {Exit}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// A HaStack project in a temporary directory: the repository's Pulumi.yaml and lab stack (or a variant), its
/// own state, and the real `hastack` command run against it as a user would.
/// </summary>
public sealed class EngineProject : IDisposable
{
    public const string Passphrase = "lab tests' passphrase";
    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("hastack-engine");

    public EngineProject(string stack = "lab", Func<string, string>? editStack = null)
    {
        AgentLab.EnsurePublished();
        File.Copy(Path.Combine(LabEnvironment.RepoRoot, "Pulumi.yaml"), Path.Combine(Directory.FullName, "Pulumi.yaml"));
        var text = File.ReadAllText(Path.Combine(LabEnvironment.RepoRoot, "Pulumi.lab.yaml"));
        File.WriteAllText(Path.Combine(Directory.FullName, $"Pulumi.{stack}.yaml"), editStack is null ? text : editStack(text));
        Stack = stack;
    }

    public string Stack { get; }

    public string StackFile => Path.Combine(Directory.FullName, $"Pulumi.{Stack}.yaml");

    public string StatePath => Path.Combine(Directory.FullName, ".hastack", "stacks", "hastack", $"{Stack}.json");

    public HastackRun Run(params string[] args) => RunWith(Passphrase, args);

    public HastackRun RunWith(string? passphrase, params string[] args) => RunWithInput(passphrase, null, args);

    /// <summary>Runs hastack with <paramref name="stdin"/> on its standard input (closed at once when null).</summary>
    public HastackRun RunWithInput(string? passphrase, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "hastack.dll"), .. args, "--stack", Stack, "--cwd", Directory.FullName])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment.Remove("PULUMI_CONFIG_PASSPHRASE_FILE");
        if (passphrase is null)
            start.Environment.Remove("PULUMI_CONFIG_PASSPHRASE");
        else
            start.Environment["PULUMI_CONFIG_PASSPHRASE"] = passphrase;
        start.Environment["HASTACK_AGENT_BINARY"] = AgentLab.BinaryPath;
        using var process = Process.Start(start)!;
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hastack {string.Join(' ', args)} did not finish within 15 minutes");
        }
        return new HastackRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A generated password, read from this project's state with its passphrase (as `output --show-secrets` would).</summary>
    public string Secret(string name)
    {
        var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(StatePath)).RootElement;
        return HaStack.Infra.Stack.PassphraseCrypter.Open(state.GetProperty("encryptionSalt").GetString()!, Passphrase)
            .Decrypt(state.GetProperty("secrets").GetProperty(name).GetString()!);
    }

    /// <summary>
    /// Stops what other lab tests may have left running that would fight a deployment (their VRRP daemons, their
    /// VIP) and brings back hosts a test left powered off.
    /// </summary>
    public static void CleanSlate(LabEnvironment lab)
    {
        foreach (var host in lab.Hosts)
            AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/power.sh {host.Name} on 2>/dev/null || true");
        Parallel.ForEach(lab.Hosts, host => host.Run(
            $"systemctl stop keepalived hastack-vrrpd 2>/dev/null; ip addr del {AgentLab.Vip}/24 dev eth0 2>/dev/null; true"));
    }

    /// <summary>Runs and fails the test with the whole output unless it exits 0.</summary>
    public HastackRun Check(params string[] args)
    {
        var run = Run(args);
        Assert.True(run.Exit == 0, $"hastack {string.Join(' ', args)}: {run}");
        return run;
    }

    public void Dispose() => Directory.Delete(recursive: true);
}
