using System.Diagnostics;
using System.Text.Json;

namespace HaStack.Deploy.State;

/// <summary>Who holds a stack's lock: enough to tell a live run from a stale lock.</summary>
public sealed record StateLock(int Pid, string Machine, DateTimeOffset Since, string Command);

public sealed class StackLockedException(string message) : Exception(message);

/// <summary>
/// The state file <c>.hastack/stacks/&lt;project&gt;/&lt;stack&gt;.json</c> under the project directory, written
/// atomically (temporary file, fsync, rename), and its lock file beside it.
/// </summary>
public sealed class StateStore
{
    private readonly string path;
    private readonly string lockPath;

    public StateStore(string projectDirectory, string project, string stack)
    {
        var dir = Path.Combine(projectDirectory, ".hastack", "stacks", project);
        path = Path.Combine(dir, stack + ".json");
        lockPath = Path.Combine(dir, stack + ".lock");
        Project = project;
        Stack = stack;
    }

    public string Project { get; }
    public string Stack { get; }
    public string StatePath => path;
    public string LogDirectory => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)!)!)!, "logs");

    public bool Exists => File.Exists(path);

    public StackState Load() => Exists
        ? JsonSerializer.Deserialize(File.ReadAllText(path), StateJson.Default.StackState) ?? throw new InvalidDataException($"{path} is empty")
        : new StackState { Project = Project, Stack = Stack };

    public void Save(StackState state)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, StateJson.Default.StackState);
            stream.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Takes the lock or refuses with who holds it. A lock whose process is gone on this machine is stale:
    /// it is said so and taken over, since nothing can still be writing under it.
    /// </summary>
    public IDisposable Lock(string command, Action<string> warn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var mine = new StateLock(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, command);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var stream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                JsonSerializer.Serialize(stream, mine, StateJson.Default.StateLock);
                return new Releaser(lockPath);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                var holder = ReadLock();
                if (holder is not null && (holder.Machine != Environment.MachineName || IsAlive(holder.Pid)))
                    throw new StackLockedException(
                        $"stack {Stack} is locked by `hastack {holder.Command}` (pid {holder.Pid} on {holder.Machine}, since {holder.Since:u}); " +
                        $"wait for it to finish, or if that run is gone for good, delete {lockPath}");
                warn($"stack {Stack}: taking over a stale lock" + (holder is null ? " (unreadable)" : $" of pid {holder.Pid}, which is no longer running (since {holder.Since:u})"));
                File.Delete(lockPath);
            }
        }
        throw new StackLockedException($"could not take the lock {lockPath}");
    }

    private StateLock? ReadLock()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(lockPath), StateJson.Default.StateLock);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class Releaser(string lockPath) : IDisposable
    {
        public void Dispose() => File.Delete(lockPath);
    }
}
