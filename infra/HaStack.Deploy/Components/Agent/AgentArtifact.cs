using System.Diagnostics;
using HaStack.Infra.Config;
using HaStack.Infra.LocalFiles;

namespace HaStack.Deploy.Agent;

/// <summary>
/// The native agent binary a run deploys: HASTACK_AGENT_BINARY when set, else the checkout's own
/// <c>artifacts/hastack-vrrpd/hastack-vrrpd</c>, published first when it is missing or older than the agent's
/// sources, so a run from a checkout never deploys a stale agent or asks the user to build it.
/// </summary>
internal static class AgentArtifact
{
    public const string RelativePath = "artifacts/hastack-vrrpd/hastack-vrrpd";

    /// <summary>The binary's bytes, bounded and from a regular file only.</summary>
    /// <exception cref="LocalFileException">it is not a regular file, is too large or cannot be read</exception>
    public static byte[] Read(string path) => BoundedFile.ReadBytes(path, HaStack.Infra.Catalogue.Components.AgentBinaryMaxBytes, "the agent binary (HASTACK_AGENT_BINARY, or the checkout's artifacts/hastack-vrrpd)");

    /// <summary>The binary's path, or an error line. <paramref name="say"/> gets one line when a publish runs.</summary>
    public static (string? Path, string? Error) Locate(string projectDirectory, Func<string, string?> environment, Action<string> say)
    {
        if (environment("HASTACK_AGENT_BINARY") is { Length: > 0 } given)
            return BoundedFile.KindOf(given) is var kind && kind == BoundedFile.FileKind.Regular ? (given, null)
                : (null, $"HASTACK_AGENT_BINARY='{TextRules.Printable(given)}' {BoundedFile.Describe(kind)}; fix: point it at the published hastack-vrrpd binary");
        var binary = Path.Combine(projectDirectory, RelativePath);
        var sources = Path.Combine(projectDirectory, "agent");
        if (!Directory.Exists(Path.Combine(sources, "HaStack.Vrrpd")))
            return File.Exists(binary) ? (binary, null)
                : (null, $"the agent binary {binary} is not there and this is not a HaStack checkout to build it from; set HASTACK_AGENT_BINARY");
        var newest = NewestSource(projectDirectory);
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= newest)
            return (binary, null);
        say(File.Exists(binary)
            ? "agent: its sources are newer than artifacts/hastack-vrrpd; publishing it again (native, about a minute)"
            : "agent: artifacts/hastack-vrrpd is not built yet; publishing it (native, about a minute)");
        return Publish(projectDirectory, binary);
    }

    private static readonly string[] BuildFiles = ["Directory.Build.props", "Directory.Packages.props"];

    private static DateTime NewestSource(string projectDirectory)
    {
        var files = Directory.EnumerateFiles(Path.Combine(projectDirectory, "agent"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Concat(BuildFiles.Select(f => Path.Combine(projectDirectory, f)).Where(File.Exists));
        return files.Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
    }

    private static (string? Path, string? Error) Publish(string projectDirectory, string binary)
    {
        var start = new ProcessStartInfo("dotnet", ["publish", "agent/HaStack.Vrrpd", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true",
            "-o", Path.GetDirectoryName(binary)!, "--nologo", "-v", "quiet"])
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                return (null, "publishing the agent took more than 10 minutes; run `dotnet publish agent/HaStack.Vrrpd -c Release -r linux-x64 -p:PublishAot=true -o artifacts/hastack-vrrpd` to see why");
            }
            var output = (stdout.Result + stderr.Result).Trim();
            if (process.ExitCode != 0 || !File.Exists(binary))
                return (null, $"publishing the agent failed (exit {process.ExitCode}): {string.Join("\n", output.Split('\n').TakeLast(10))}");
            // the publish may reuse an up-to-date build without touching the file: its time is now the check's
            File.SetLastWriteTimeUtc(binary, DateTime.UtcNow);
            return (binary, null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"the agent binary {binary} is not built and dotnet cannot be run to build it ({e.Message}); set HASTACK_AGENT_BINARY");
        }
    }
}
