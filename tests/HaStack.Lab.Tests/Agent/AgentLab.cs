using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Agent;

/// <summary>
/// hastack-vrrpd and keepalived on the lab hosts: installs the native binary, the unit HaStack renders,
/// HAProxy (from the hosts' own apt) and keepalived; writes configs; starts and stops daemons; and watches
/// where the virtual address is from the host side (ip -n hsnodeN), without touching the hosts.
/// </summary>
public sealed partial class AgentLab
{
    public const string Vip = "10.77.0.100";
    private static readonly object Gate = new();
    private readonly LabEnvironment lab;

    public AgentLab(LabEnvironment lab)
    {
        this.lab = lab;
        ReattachAll();
        lock (Gate)
        {
            // other tests deploy (and destroy) whole stacks on the same hosts: check the agent's setup is still
            // there, cheaply, and put it back when it is not
            if (!lab.Hosts.All(h => h.Run("test -x /usr/local/sbin/hastack-vrrpd && test -f /etc/systemd/system/hastack-vrrpd.service && " +
                                          "grep -q local_ssh /etc/haproxy/haproxy.cfg && command -v keepalived").ExitStatus == 0))
                Install();
        }
    }

    public IReadOnlyList<LabHost> Hosts => lab.Hosts;

    public static string BinaryPath => Path.Combine(LabEnvironment.RepoRoot, "artifacts", "hastack-vrrpd", "hastack-vrrpd");

    private void Install()
    {
        EnsurePublished();
        var unit = RenderedLabFile("/etc/systemd/system/hastack-vrrpd.service");
        var binary = File.ReadAllBytes(BinaryPath);
        Parallel.ForEach(lab.Hosts, host =>
        {
            using var client = host.Connect();
            using (var sftp = new Renci.SshNet.SftpClient(client.ConnectionInfo))
            {
                sftp.HostKeyReceived += (_, e) => e.CanTrust = lab.KnownHosts.Trusts(host.Address, 22, e.HostKeyName, e.HostKey);
                sftp.Connect();
                using var stream = new MemoryStream(binary);
                sftp.UploadFile(stream, "/usr/local/sbin/hastack-vrrpd.new");
            }
            Check(host, "install -m 755 /usr/local/sbin/hastack-vrrpd.new /usr/local/sbin/hastack-vrrpd && rm /usr/local/sbin/hastack-vrrpd.new && mkdir -p /etc/hastack-vrrpd");
            Check(host, "cat > /etc/systemd/system/hastack-vrrpd.service && systemctl daemon-reload", unit);
            Check(host, "DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends haproxy keepalived >/tmp/agent-apt.log 2>&1 || { tail -20 /tmp/agent-apt.log; exit 1; }");
            Check(host, "cat > /etc/haproxy/haproxy.cfg && systemctl restart haproxy", """
                global
                    log /dev/log local0
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend writes
                    bind :5000
                    default_backend local_ssh
                backend local_ssh
                    server self 127.0.0.1:22

                """);
        });
    }

    /// <summary>A file as HaStack renders it for node1 of the lab stack (Pulumi.lab.yaml).</summary>
    public static string RenderedLabFile(string path)
    {
        var config = LabEnvironment.LabStack(LabEnvironment.Read());
        return HaStack.Infra.StackPipeline.Plan(config).Files.Single(f => f.Host == "node1" && f.Path == path).Content;
    }

    /// <summary>Publishes the native agent once (artifacts/hastack-vrrpd) unless it is there already.</summary>
    public static void EnsurePublished()
    {
        lock (Gate)
        {
            if (!File.Exists(BinaryPath))
                Publish();
        }
    }

    private static void Publish()
    {
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(LabEnvironment.RepoRoot, "agent", "HaStack.Vrrpd"),
            "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", Path.GetDirectoryName(BinaryPath)!, "--nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"publishing hastack-vrrpd failed:\n{output}");
    }

    private static string Check(LabHost host, string command, string? stdin = null)
    {
        var result = host.Run(command, stdin: stdin, timeout: TimeSpan.FromMinutes(3));
        if (result.ExitStatus != 0)
            throw new InvalidOperationException($"{host}: `{command}` failed: {result}");
        return result.Stdout;
    }

    /// <summary>Stops every VRRP daemon, removes the VIP everywhere and restarts HAProxy: a clean slate.</summary>
    // a test that cut a host off the bridge and failed before healing must not strand the next one
    private void ReattachAll()
    {
        foreach (var index in Enumerable.Range(1, lab.Hosts.Count))
            HostSide($"ip link set hsv{index} master hslab0");
    }

    public void Reset()
    {
        ReattachAll();
        Parallel.ForEach(lab.Hosts, host =>
        {
            // a stack deployed on these hosts keeps keepalived from starting beside its agent; these tests run both
            host.Run($"if test -e {DisplacedKeepalivedDropIn}; then rm -f {DisplacedKeepalivedDropIn}; systemctl daemon-reload; fi; " +
                     "systemctl stop hastack-vrrpd keepalived; systemctl kill -s KILL hastack-vrrpd keepalived 2>/dev/null; " +
                     $"systemctl reset-failed hastack-vrrpd 2>/dev/null; ip addr del {Vip}/24 dev eth0 2>/dev/null; " +
                     "ip link set eth0 up; systemctl start haproxy; true");
        });
    }

    public static readonly string DisplacedKeepalivedDropIn = HaStack.Infra.Catalogue.Components.Agent.Files
        .Single(f => f.Template == "keepalived-displaced.conf.sbn").Path;

    public void WriteConfig(LabHost host, string path, string text) => Check(host, $"cat > {path}", text.EndsWith('\n') ? text : text + "\n");

    public void StartAgent(LabHost host, string config)
    {
        WriteConfig(host, "/etc/hastack-vrrpd/keepalived.conf", config);
        Check(host, "systemctl restart hastack-vrrpd");
    }

    public void StartKeepalived(LabHost host, string config)
    {
        WriteConfig(host, "/etc/keepalived/keepalived.conf", config);
        Check(host, "systemctl restart keepalived");
    }

    /// <summary>The hosts that hold the VIP now, read from their network namespaces on the lab machine.</summary>
    public List<LabHost> VipHolders() => VipHoldersAmong(lab.Hosts);

    /// <summary>Which of the lab's hosts (in the lab's order: node1, node2, ...) hold the VIP now.</summary>
    public static List<LabHost> VipHoldersAmong(IReadOnlyList<LabHost> hosts) =>
        hosts.Where((h, i) => HostSide($"ip -n hsnode{i + 1} -4 -o addr show dev eth0").Contains($" {Vip}/", StringComparison.Ordinal)).ToList();

    /// <summary>Polls every 5 ms until condition holds; returns how long it took, or fails after timeout.</summary>
    public static TimeSpan WaitFor(string what, Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
                Assert.Fail($"{what}: not within {timeout.TotalSeconds} s");
            Thread.Sleep(5);
        }
        return watch.Elapsed;
    }

    public LabHost SoleHolder(TimeSpan timeout)
    {
        WaitFor("exactly one VIP holder", () => VipHolders().Count == 1, timeout);
        return VipHolders()[0];
    }

    /// <summary>The agent's log lines (journal), with the time each was written by the agent.</summary>
    public static List<(DateTime At, string Text)> AgentLog(LabHost host, string unit = "hastack-vrrpd")
    {
        var lines = host.Run($"journalctl -u {unit} --no-pager -o cat").Stdout.Split('\n');
        var log = new List<(DateTime, string)>();
        foreach (var line in lines)
        {
            var match = Stamped().Match(line);
            if (match.Success)
                log.Add((DateTime.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), match.Groups[2].Value));
        }
        return log;
    }

    public static DateTime LoggedAt(LabHost host, string containing) =>
        AgentLog(host).Last(l => l.Text.Contains(containing, StringComparison.Ordinal)).At;

    public static string HostSide(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    /// <summary>A keepalived-syntax config for the VIP on eth0.</summary>
    public static string Config(int priority, int version = 3, string advert = "1", string extraInstance = "", string extraTop = "", string auth = "") => $$"""
        global_defs {
            vrrp_version {{version}}
            script_user nobody
        }
        {{extraTop}}
        vrrp_instance VI_HASTACK {
            state BACKUP
            interface eth0
            virtual_router_id 77
            priority {{priority}}
            advert_int {{advert}}
            {{auth}}
            virtual_ipaddress {
                {{Vip}}/24 dev eth0
            }
            {{extraInstance}}
        }
        """;

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) hastack-vrrpd: (.*)$")]
    private static partial Regex Stamped();
}
