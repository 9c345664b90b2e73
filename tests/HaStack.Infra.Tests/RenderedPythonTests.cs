using System.Diagnostics;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Tests;

/// <summary>The Python programs HaStack writes beside Patroni (Debian 12's sync guard and safe-leader launcher) compile, as rendered.</summary>
public sealed class RenderedPythonTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-py");

    public void Dispose() => dir.Delete(recursive: true);

    [Theory]
    [InlineData(Components.PatroniSyncGuardPath)]
    [InlineData(Components.PatroniSafeLeaderPath)]
    public async Task A_rendered_python_program_compiles(string path)
    {
        var plan = StackPipeline.Plan(TestStacks.Valid(TestStacks.Minimal));
        var file = plan.Files.Single(f => f.Host == "node1" && f.Path == path);
        var script = Path.Combine(dir.FullName, Path.GetFileName(path) + ".py");
        await File.WriteAllTextAsync(script, SecretTokens.Substitute(file.Content, _ => "pw"));
        var start = new ProcessStartInfo("python3", ["-m", "py_compile", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var python = Process.Start(start)!;
        var error = python.StandardError.ReadToEndAsync();
        Assert.True(python.WaitForExit(TimeSpan.FromSeconds(30)), "python3 -m py_compile did not end within 30 s");
        Assert.True(python.ExitCode == 0, $"{path} does not compile: {await error}");
    }

    [Fact]
    public async Task The_host_side_http_program_compiles_as_compiled_in()
    {
        var text = Operations.HostOperations.HttpFunctionText;
        var start = text.IndexOf('\n', text.IndexOf("3<<", StringComparison.Ordinal)) + 1;
        var program = text[start..text.LastIndexOf("HASTACK_PY", StringComparison.Ordinal)];
        Assert.Contains("urllib.request", program, StringComparison.Ordinal);
        var script = Path.Combine(dir.FullName, "hastack_http.py");
        await File.WriteAllTextAsync(script, program);
        var compile = new ProcessStartInfo("python3", ["-m", "py_compile", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var python = Process.Start(compile)!;
        var error = python.StandardError.ReadToEndAsync();
        Assert.True(python.WaitForExit(TimeSpan.FromSeconds(30)), "python3 -m py_compile did not end within 30 s");
        Assert.True(python.ExitCode == 0, $"hastack_http.py does not compile: {await error}");
    }
}
