using System.Diagnostics;
using System.Text.Json;
using HaStack.Deploy.State;
using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

public sealed class StateStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("hastack-state");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void State_round_trips_through_an_atomic_write_with_owner_only_access()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        Assert.False(store.Exists);
        var state = store.Load();
        state.Put(new ResourceState { Id = "a", Type = "t", Name = "n", InputHash = "h" });
        state.Outputs["x"] = new OutputValue("1", false);
        store.Save(state);
        Assert.Equal(Path.Combine(dir.FullName, ".hastack", "stacks", "hastack", "s.json"), store.StatePath);
        Assert.False(File.Exists(store.StatePath + ".tmp"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.StatePath));
        var again = store.Load();
        Assert.Equal("h", again.Find("a")!.InputHash);
        Assert.Equal("1", again.Outputs["x"].Value);
    }

    [Fact]
    public void A_live_lock_refuses_a_second_run_and_says_who_holds_it()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        using (store.Lock("up", _ => { }))
        {
            var e = Assert.Throws<StackLockedException>(() => store.Lock("destroy", _ => { }));
            Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
            Assert.Contains("hastack up", e.Message, StringComparison.Ordinal);
        }
        using (store.Lock("up", _ => { }))
        {
        }
    }

    [Fact]
    public void A_stale_lock_of_a_dead_process_is_explained_and_taken_over()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        var lockPath = Path.Combine(dir.FullName, ".hastack", "stacks", "hastack", "s.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        File.WriteAllText(lockPath, JsonSerializer.Serialize(new { pid = gone.Id, machine = Environment.MachineName, since = DateTimeOffset.UtcNow, command = "up" }));
        var warnings = new List<string>();
        using (store.Lock("up", warnings.Add))
            Assert.Contains($"pid {gone.Id}, which is no longer running", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_passwords_are_kept_encrypted_and_survive_reloads()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        var config = StackConfigBinder.Load(StackFiles.Parse("name: hastack\n", """
            config:
              hastack:hosts: [{ name: a, address: 10.0.0.1 }, { name: b, address: 10.0.0.2 }, { name: c, address: 10.0.0.3 }]
              hastack:vip: { address: 10.0.0.100/24 }
            """, "s"), () => null).Config!;
        var state = store.Load();
        var secrets = new SecretStore(state, config, "pw");
        secrets.Generate("replication", 32);
        var value = secrets.Value("replication");
        Assert.Matches("^[A-Za-z0-9]{32}$", value);
        secrets.Generate("replication", 32);
        Assert.Equal(value, secrets.Value("replication"));
        store.Save(state);
        Assert.DoesNotContain(value, File.ReadAllText(store.StatePath), StringComparison.Ordinal);
        var reopened = new SecretStore(store.Load(), config, "pw");
        Assert.Equal(value, reopened.Value("replication"));
        Assert.Throws<IncorrectPassphraseException>(() => new SecretStore(store.Load(), config, "wrong"));
        Assert.Equal($"a@@secret:replication:sql@@b".Replace("@@secret:replication:sql@@", value, StringComparison.Ordinal),
            reopened.Reveal("a@@secret:replication:sql@@b"));
    }
}
