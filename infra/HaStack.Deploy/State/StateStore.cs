using System.Diagnostics;
using System.Text.Json;

namespace HaStack.Deploy.State;

/// <summary>Who holds a stack's lock: enough to tell a live run from one that is gone.</summary>
public sealed record StateLock(int Pid, string Machine, DateTimeOffset Since, string Command);

public sealed class StackLockedException(string message) : Exception(message);

/// <summary>
/// The state file <c>.hastack/stacks/&lt;project&gt;/&lt;stack&gt;.json</c> under the project directory, written
/// atomically (temporary file, fsync, rename) and checked on every read (<see cref="StateValidator"/>); and its lock.
/// </summary>
public sealed class StateStore
{
    /// <summary>A state file past this size is not one HaStack wrote (a large cluster's is well under 10 MB).</summary>
    public const long MaxStateBytes = 64L << 20;

    private readonly string path;
    private readonly string lockPath;
    private readonly string ownerPath;

    public StateStore(string projectDirectory, string project, string stack)
    {
        var dir = Path.Combine(projectDirectory, ".hastack", "stacks", project);
        path = Path.Combine(dir, stack + ".json");
        lockPath = Path.Combine(dir, stack + ".lock");
        ownerPath = Path.Combine(dir, stack + ".lock.owner");
        Project = project;
        Stack = stack;
    }

    public string Project { get; }
    public string Stack { get; }
    public string StatePath => path;
    public string LogDirectory => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)!)!)!, "logs");

    public bool Exists => File.Exists(path);

    /// <exception cref="StateFileException">the file cannot be read, is not JSON of the state's shape, or fails validation</exception>
    public StackState Load()
    {
        if (!Exists)
            return Directory.Exists(path)
                ? throw new StateFileException(path, "is a directory, not a state file")
                : new StackState { Project = Project, Stack = Stack };
        StackState? state;
        try
        {
            if (new FileInfo(path).Length > MaxStateBytes)
                throw new StateFileException(path, $"is larger than {MaxStateBytes >> 20} MB; it is not a state file HaStack wrote");
            state = JsonSerializer.Deserialize(File.ReadAllText(path), StateJson.Default.StackState);
        }
        catch (JsonException e)
        {
            throw new StateFileException(path, $"is not a HaStack state file: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StateFileException(path, $"cannot be read: {e.Message}");
        }
        if (state is null)
            throw new StateFileException(path, "holds null, not a state");
        StateValidator.Validate(state, path, Project, Stack);
        return state;
    }

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
    /// Takes the lock or refuses with who holds it. The lock is the kernel's (an exclusive flock on the lock file,
    /// which .NET takes for FileShare.None): taken atomically, held for as long as this process holds the file, and
    /// released by the kernel when a run dies, so there is no stale lock to take over and no run can remove another's.
    /// Who holds it is written beside it, for the message a second run shows.
    /// </summary>
    public IDisposable Lock(string command, Action<string> warn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        if (Directory.Exists(lockPath))
            throw new StackLockedException($"the lock {lockPath} is a directory; remove it (no run of HaStack makes one)");
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StackLockedException($"the lock {lockPath} cannot be taken: {e.Message}");
        }
        catch (IOException)
        {
            var holder = ReadOwner();
            throw new StackLockedException(holder is null
                ? $"stack {Stack} is locked by another run (its lock {lockPath} is held); wait for it to finish"
                : $"stack {Stack} is locked by `hastack {holder.Command}` (pid {holder.Pid} on {holder.Machine}, since {holder.Since:u}); wait for it to finish");
        }
        if (ReadOwner() is { } previous && (previous.Machine != Environment.MachineName || !IsAlive(previous.Pid)))
            warn($"stack {Stack}: the previous `hastack {previous.Command}` (pid {previous.Pid}, since {previous.Since:u}) ended without finishing; its steps in flight may not be recorded");
        var mine = new StateLock(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, command);
        var temp = $"{ownerPath}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(mine, StateJson.Default.StateLock));
        File.Move(temp, ownerPath, overwrite: true);
        return new Releaser(held, ownerPath);
    }

    private StateLock? ReadOwner()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(ownerPath), StateJson.Default.StateLock);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
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

    /// <summary>Only the holder releases: it removes its owner note while it still holds the lock, then lets the lock go.</summary>
    private sealed class Releaser(FileStream held, string ownerPath) : IDisposable
    {
        public void Dispose()
        {
            File.Delete(ownerPath);
            held.Dispose();
        }
    }
}
