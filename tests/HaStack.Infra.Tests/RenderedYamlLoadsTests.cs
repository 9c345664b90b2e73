using System.Diagnostics;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Tests;

/// <summary>Patroni's YAML as Patroni's own loader (PyYAML) reads it: a setting past U+FFFF arrives whole, not as two broken surrogates.</summary>
public sealed class RenderedYamlLoadsTests
{
    [Fact]
    public async Task A_setting_with_a_character_past_the_basic_plane_loads_with_pyyaml_as_written()
    {
        var plan = StackPipeline.Plan(TestStacks.Valid(TestStacks.MinimalWith("hastack:postgres:\n  parameters:\n    application_name: \"app😀\"")));
        var patroni = plan.Files.First(f => f.Path == "/etc/patroni/config.yml").Content;
        Assert.DoesNotContain("\\uD83D", patroni, StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys, json, yaml; d = yaml.safe_load(sys.stdin.read()); sys.stdout.write(json.dumps(d, ensure_ascii=False))");
        start.StandardOutputEncoding = System.Text.Encoding.UTF8;
        using var python = Process.Start(start)!;
        python.StandardInput.Write(SecretTokens.Substitute(patroni, _ => "pw"));
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        Assert.True(python.WaitForExit(TimeSpan.FromSeconds(30)), "python3 did not end within 30 s");
        Assert.True(python.ExitCode == 0, $"PyYAML refused the rendered patroni.yml: {await error}");
        Assert.Contains("\"application_name\": \"app😀\"", await output, StringComparison.Ordinal);
    }
}
