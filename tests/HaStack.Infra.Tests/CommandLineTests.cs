using System.Diagnostics;
using System.Text.Json;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>The hastack command as a user runs it: a real process, exit codes, stdout and stderr.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly DirectoryInfo project = Directory.CreateTempSubdirectory("hastack-cli");

    public void Dispose() => project.Delete(recursive: true);

    private static (int Exit, string Stdout, string Stderr) Hastack(params string[] args) => HastackWithPassphraseFile(null, args);

    private static (int Exit, string Stdout, string Stderr) HastackWithPassphraseFile(string? passphraseFile, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "hastack.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("PULUMI_CONFIG_PASSPHRASE");
        start.Environment.Remove("PULUMI_CONFIG_PASSPHRASE_FILE");
        if (passphraseFile is not null)
            start.Environment["PULUMI_CONFIG_PASSPHRASE_FILE"] = passphraseFile;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "hastack did not finish within 60 s");
        return (process.ExitCode, stdout.Result, stderr);
    }

    private void WriteStack(string name, string text)
    {
        File.WriteAllText(Path.Combine(project.FullName, "Pulumi.yaml"), TestStacks.Project);
        File.WriteAllText(Path.Combine(project.FullName, $"Pulumi.{name}.yaml"), text);
    }

    [Fact]
    public void Validate_accepts_a_good_stack_and_summarises_it()
    {
        var (exit, stdout, _) = Hastack("validate", "--stack", "five", "--cwd", TestStacks.Directory);
        Assert.Equal(0, exit);
        Assert.Contains("5 hosts", stdout, StringComparison.Ordinal);
        Assert.Contains("VIP 10.77.0.101 over 2 haproxy hosts", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_lists_every_error_with_its_line_and_exits_1()
    {
        WriteStack("bad", """
            config:
              hastack:hosts:
                - { name: only, address: 10.0.0.1 }
              hastack:vip:
                address: 10.0.0.50/24
                routerId: 300
              hastack:patroni: { ttl: 10 }
            """);
        var (exit, stdout, stderr) = Hastack("validate", "--stack", "bad", "--cwd", project.FullName);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Pulumi.bad.yaml:6: error: hastack:vip.routerId: '300' is not a VRRP router id", stderr, StringComparison.Ordinal);
        Assert.Contains("error: hastack:hosts: '1' database host(s)", stderr, StringComparison.Ordinal);
        Assert.Contains("[vip-layer-too-few]", stderr, StringComparison.Ordinal);
        Assert.Contains("[patroni-ttl-min]", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was done", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_writes_each_hosts_files_with_secrets_masked_unless_asked()
    {
        var (salt, crypter) = PassphraseCrypter.Create("");
        WriteStack("s", $"encryptionsalt: {salt}\n" + TestStacks.MinimalWith(
            $"hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: {crypter.Encrypt("app-Pa55word")}"));
        var outDir = Path.Combine(project.FullName, "out");

        var missing = Hastack("render", "--stack", "s", "--cwd", project.FullName, "--out", outDir);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("[missing-passphrase]", missing.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));

        File.WriteAllText(Path.Combine(project.FullName, "phrase"), "");
        var masked = HastackWithPassphraseFile(Path.Combine(project.FullName, "phrase"), "render", "--stack", "s", "--cwd", project.FullName, "--out", outDir);
        Assert.Equal(0, masked.Exit);
        var sql = File.ReadAllText(Path.Combine(outDir, "cluster", "cluster-setup.sql"));
        Assert.Contains("PASSWORD '[secret:user-app]'", sql, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "node2", "etc", "patroni", "config.yml")));
        Assert.DoesNotContain("app-Pa55word", string.Concat(Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(File.ReadAllText)), StringComparison.Ordinal);

        var shown = HastackWithPassphraseFile(Path.Combine(project.FullName, "phrase"), "render", "--stack", "s", "--cwd", project.FullName, "--out", outDir, "--show-secrets");
        Assert.Equal(0, shown.Exit);
        Assert.Contains("PASSWORD 'app-Pa55word'", File.ReadAllText(Path.Combine(outDir, "cluster", "cluster-setup.sql")), StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_prints_the_resources_in_dependency_order_as_json()
    {
        var (exit, stdout, _) = Hastack("graph", "--stack", "three", "--cwd", TestStacks.Directory);
        Assert.Equal(0, exit);
        var rows = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        var ids = rows.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Contains("hastack:host:Service::node1:patroni", ids);
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{64}$", r.GetProperty("inputHash").GetString()));
    }

    [Fact]
    public void A_missing_stack_option_is_a_usage_error()
    {
        var (exit, _, stderr) = Hastack("validate");
        Assert.NotEqual(0, exit);
        Assert.Contains("--stack", stderr, StringComparison.Ordinal);
    }
}
