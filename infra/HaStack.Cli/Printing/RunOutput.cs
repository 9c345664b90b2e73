using HaStack.Deploy.Engine;
namespace HaStack.Cli.Printing;

/// <summary>
/// Where a run's lines go: the terminal and the run's log file, both with every known secret masked. A secret
/// can reach a line through a command's error output; masking here catches it whatever the path.
/// </summary>
internal sealed class RunOutput : IDisposable
{
    private readonly TextWriter stdout;
    private readonly TextWriter stderr;
    private readonly StreamWriter? log;
    private readonly object gate = new();
    private IReadOnlyList<string> secrets = [];

    private readonly Action<string, LineStyle>? terminal;

    /// <param name="terminal">where stdout lines go instead on a terminal (the live display draws them in colour, by their style)</param>
    public RunOutput(TextWriter stdout, TextWriter stderr, string? logPath, Action<string, LineStyle>? terminal = null)
    {
        this.terminal = terminal;
        this.stdout = stdout;
        this.stderr = stderr;
        if (logPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            File.SetUnixFileMode(logPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        LogPath = logPath;
    }

    public string? LogPath { get; }

    /// <summary>The plaintexts to mask from now on (longest first, so no partial mask leaves a tail).</summary>
    public void Mask(IReadOnlyList<string> plaintexts) => secrets = plaintexts;

    public void Line(string text = "", LineStyle style = LineStyle.Plain) => Write(stdout, text, style);

    public void Error(string text) => Write(stderr, text, LineStyle.Failure);

    private void Write(TextWriter writer, string text, LineStyle style)
    {
        foreach (var secret in secrets)
            text = text.Replace(secret, "[secret]", StringComparison.Ordinal);
        lock (gate)
        {
            if (terminal is not null && writer == stdout)
                terminal(text, style);
            else
                writer.WriteLine(text);
            log?.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {text}");
        }
    }

    public void Dispose() => log?.Dispose();
}
