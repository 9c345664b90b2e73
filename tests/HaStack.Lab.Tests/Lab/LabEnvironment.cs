using System.Diagnostics;
using HaStack.Infra.Ssh;

namespace HaStack.Lab.Tests.Lab;

/// <summary>
/// The lab made by tests/lab/up.sh, as the tests see it: the hosts, the client key and the hosts' real
/// host keys, read from the files up.sh writes under HASTACK_LAB_DIR (default /run/hastack-lab).
/// </summary>
public sealed class LabEnvironment
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string LabDir { get; } = Environment.GetEnvironmentVariable("HASTACK_LAB_DIR") ?? "/run/hastack-lab";
    public static string ScriptsDir => Path.Combine(RepoRoot, "tests", "lab");
    public static string ClientKeyPath => Path.Combine(LabDir, "id_ed25519");
    public static string KnownHostsPath => Path.Combine(LabDir, "known_hosts");
    private static string HostsPath => Path.Combine(LabDir, "hosts");

    public IReadOnlyList<LabHost> Hosts { get; }
    internal KnownHosts KnownHosts { get; }

    private LabEnvironment(IReadOnlyList<LabHost> hosts, KnownHosts knownHosts)
    {
        Hosts = hosts;
        KnownHosts = knownHosts;
    }

    public static bool IsUp => File.Exists(HostsPath);

    public static LabEnvironment Read()
    {
        var knownHosts = KnownHosts.Parse(File.ReadAllText(KnownHostsPath));
        var hosts = File.ReadAllLines(HostsPath)
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' '))
            .Select(fields => new LabHost(fields[0], fields[1], (h, p, t, k) => knownHosts.Trusts(h, p, t, k)))
            .ToList();
        return new LabEnvironment(hosts, knownHosts);
    }

    public LabHost this[string name] => Hosts.Single(h => h.Name == name);

    private HaStack.Infra.Catalogue.DebianRelease? release;

    /// <summary>The Debian release the lab's hosts run (up.sh's HASTACK_LAB_RELEASE), as its first host says.</summary>
    internal HaStack.Infra.Catalogue.DebianRelease Release =>
        release ??= HaStack.Infra.Catalogue.DebianReleases.FromOsRelease(Hosts[0].Check("cat /etc/os-release"), out var why)
            ?? throw new InvalidOperationException($"{Hosts[0].Name} {why}");

    /// <summary>The lab stack (Pulumi.lab.yaml) for the release the lab's hosts run, as the engine would resolve it.</summary>
    internal static HaStack.Infra.Config.StackConfig LabStack(LabEnvironment lab) =>
        (HaStack.Infra.StackPipeline.Load(RepoRoot, "lab", _ => null).Config
            ?? throw new InvalidOperationException("Pulumi.lab.yaml does not validate: run hastack validate --stack lab")) with { Release = lab.Release };

    /// <summary>Runs a lab script (up.sh, down.sh) and fails with its output when it fails.</summary>
    public static string RunScript(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(ScriptsDir, script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 20 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaStack.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"HaStack.sln not found above {AppContext.BaseDirectory}");
    }
}
