using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using HaStack.Infra.LocalFiles;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.State;

/// <summary>Who holds a stack's lock: enough to tell a live run from one that is gone.</summary>
internal sealed record StateLock(int Pid, string Machine, DateTimeOffset Since, string Command);

internal sealed class StackLockedException(string message) : Exception(message);

/// <summary>
/// The state file <c>.hastack/stacks/&lt;project&gt;/&lt;stack&gt;.json</c> under the project directory, written
/// atomically (temporary file, fsync, rename) and checked on every read (<see cref="StateValidator"/>); and its lock.
/// </summary>
internal sealed class StateStore
{
    /// <summary>A state file past this size is not one HaStack wrote (a large cluster's is well under 10 MB).</summary>
    public const int MaxStateBytes = 64 << 20;

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

    public bool Exists => BoundedFile.KindOf(path) != BoundedFile.FileKind.Missing;

    /// <summary>The field of the state file that holds its authentication code (<see cref="PassphraseCrypter.StateCode"/>).</summary>
    public const string CodeField = "authentication";

    private PassphraseCrypter? key;

    /// <summary>The stack's key, as <see cref="Load"/> opened it: what seals the state's secrets and authenticates the file.</summary>
    public PassphraseCrypter Key => key ?? throw new InvalidOperationException("the state is not loaded: its key is not known yet");

    /// <summary>
    /// Reads the state: a regular file within <see cref="MaxStateBytes"/>, JSON without duplicate keys, its
    /// authentication code checked under the stack's passphrase before anything in it is believed, then every value
    /// checked like user input (<see cref="StateValidator"/>). A stack without a state gets a new one, with its salt.
    /// </summary>
    /// <param name="adoptUnauthenticated">accept a state without a code (written by a HaStack before codes existed): the operator confirmed it</param>
    /// <exception cref="StateFileException">unreadable, malformed, not authentic, or fails validation</exception>
    /// <exception cref="IncorrectPassphraseException">the passphrase does not open the state's salt</exception>
    public StackState Load(string passphrase, bool adoptUnauthenticated = false)
    {
        if (BoundedFile.KindOf(path) == BoundedFile.FileKind.Missing)
        {
            var (salt, created) = PassphraseCrypter.Create(passphrase);
            key = created;
            return new StackState { Project = Project, Stack = Stack, EncryptionSalt = salt };
        }
        return Load(salt => PassphraseCrypter.Open(salt, passphrase), adoptUnauthenticated);
    }

    /// <param name="open">opens the state's salt: the passphrase's key derivation (tests give a key made once)</param>
    internal StackState Load(Func<string, PassphraseCrypter> open, bool adoptUnauthenticated = false)
    {
        var kind = BoundedFile.KindOf(path);
        if (kind != BoundedFile.FileKind.Regular)
            throw new StateFileException(path, $"{BoundedFile.Describe(kind)}; fix: move it away (HaStack writes a regular file there)");
        JsonObject root;
        StackState? state;
        try
        {
            var bytes = BoundedFile.ReadBytes(path, MaxStateBytes, "the state file");
            root = JsonNode.Parse(bytes, documentOptions: ReadOptions) as JsonObject ?? throw new StateFileException(path, "holds no JSON object, so no state");
            state = root.Deserialize(StateJson.Default.StackState);
        }
        catch (LocalFileException e)
        {
            throw new StateFileException(path, e.Message);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            // ArgumentException: a key given twice inside a map that System.Text.Json builds itself
            throw new StateFileException(path, $"is not a HaStack state file: {TextRules.Printable(e.Message)}");
        }
        if (state is null)
            throw new StateFileException(path, "holds null, not a state");
        key = Authenticate(root, state, open, adoptUnauthenticated);
        StateValidator.Validate(state, path, Project, Stack);
        StateMigration.Migrate(state);
        return state;
    }

    private PassphraseCrypter Authenticate(JsonObject root, StackState state, Func<string, PassphraseCrypter> open, bool adoptUnauthenticated)
    {
        var code = root[CodeField];
        root.Remove(CodeField);
        if (state.EncryptionSalt is not { } salt)
            throw new StateFileException(path, "has no encryptionSalt, so nothing proves who wrote it; fix: move it away to start over (HaStack then deploys as if nothing were there)");
        PassphraseCrypter opened;
        try
        {
            opened = open(salt);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new StateFileException(path, "encryptionSalt is not a v1 salt; fix: restore the file from a backup, or move it away to start over");
        }
        if (code is null)
        {
            if (adoptUnauthenticated)
                return opened;
            throw new StateFileException(path,
                $"has no authentication code: it was written by a HaStack before 2026-12 or put together by hand; fix: if HaStack wrote it, review its hosts and run `hastack adopt-state --stack {Stack}` once to adopt it",
                unauthenticated: true);
        }
        if (code.GetValueKind() != JsonValueKind.String || !opened.StateCodeMatches(Canonical(root), code.GetValue<string>()))
            throw new StateFileException(path, "its authentication code does not match its content: it was changed outside HaStack; fix: restore the file from a backup, or move it away to start over");
        return opened;
    }

    /// <summary>The state as the code covers it: every object's keys in ordinal order, no spaces, whatever the file's layout.</summary>
    internal static byte[] Canonical(JsonNode? node) => CanonicalJson.Bytes(node);

    /// <summary>Sets the state's authentication code over everything else in it.</summary>
    internal static void Seal(JsonObject root, PassphraseCrypter key)
    {
        root.Remove(CodeField);
        root[CodeField] = key.StateCode(Canonical(root));
    }

    private static readonly JsonDocumentOptions ReadOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>Writes the state with its authentication code, atomically (temporary file, fsync, rename), owner-only.</summary>
    public void Save(StackState state)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // the code is computed over the text as it will be read back, so the writer's and the reader's views agree
        var root = JsonNode.Parse(JsonSerializer.Serialize(state, StateJson.Default.StackState), documentOptions: ReadOptions)!.AsObject();
        Seal(root, Key);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                root.WriteTo(writer);
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
            return BoundedFile.KindOf(ownerPath) == BoundedFile.FileKind.Missing ? null
                : JsonSerializer.Deserialize(BoundedFile.ReadText(ownerPath, 4096, "the lock's owner note"), StateJson.Default.StateLock);
        }
        catch (Exception e) when (e is JsonException or LocalFileException)
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
