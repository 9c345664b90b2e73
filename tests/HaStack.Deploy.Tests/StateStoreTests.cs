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
        var state = store.Load("pw");
        var resource = PlannerTests.Graph().Resources.First(r => r.Type == HaStack.Infra.Graph.ResourceTypes.File);
        state.Project = "hastack";
        state.Stack = "s";
        state.Hosts[resource.Host!] = new HostRecord("10.77.0.11", 0, null, null);
        state.Put(new ResourceState { Id = resource.Id, Type = resource.Type, Name = resource.Name, Host = resource.Host, InputHash = resource.InputHash,
            Inputs = resource.Inputs });
        state.Outputs["x"] = new OutputValue("1", false);
        store.Save(state);
        Assert.Equal(Path.Combine(dir.FullName, ".hastack", "stacks", "hastack", "s.json"), store.StatePath);
        Assert.False(File.Exists(store.StatePath + ".tmp"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.StatePath));
        var again = store.Load("pw");
        Assert.Equal(resource.InputHash, again.Find(resource.Id)!.InputHash);
        Assert.Equal(resource.Spec, again.Find(resource.Id)!.Spec);
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
    public void A_run_that_died_leaves_no_lock_behind_and_the_next_run_says_so()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        // what a killed run leaves: its lock file (the kernel dropped the lock itself) and its owner note
        var stacks = Path.Combine(dir.FullName, ".hastack", "stacks", "hastack");
        Directory.CreateDirectory(stacks);
        File.WriteAllText(Path.Combine(stacks, "s.lock"), "");
        File.WriteAllText(Path.Combine(stacks, "s.lock.owner"), JsonSerializer.Serialize(new { pid = gone.Id, machine = Environment.MachineName, since = DateTimeOffset.UtcNow, command = "up" }));
        var warnings = new List<string>();
        using (store.Lock("up", warnings.Add))
            Assert.Contains($"pid {gone.Id}", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(stacks, "s.lock.owner")));
    }

    [Fact]
    public void A_lock_held_by_another_process_refuses_and_is_not_removed_by_the_refused_run()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        var stacks = Path.Combine(dir.FullName, ".hastack", "stacks", "hastack");
        Directory.CreateDirectory(stacks);
        // flock(1) holds the same kind of lock .NET takes for FileShare.None, from another process
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", Path.Combine(stacks, "s.lock"), "sleep", "30"]))!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            StackLockedException? refused = null;
            while (refused is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    store.Lock("up", _ => { }).Dispose();
                    Thread.Sleep(50); // flock(1) has not taken it yet
                }
                catch (StackLockedException e)
                {
                    refused = e;
                }
            }
            Assert.NotNull(refused);
            Assert.Contains("locked by another run", refused!.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(stacks, "s.lock")));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // the holder gone, the kernel has dropped its lock: the next run takes it (once the killed tree has exited)
        var taken = false;
        for (var i = 0; i < 100 && !taken; i++)
        {
            try
            {
                store.Lock("up", _ => { }).Dispose();
                taken = true;
            }
            catch (StackLockedException)
            {
                Thread.Sleep(50);
            }
        }
        Assert.True(taken);
    }

    [Fact]
    public void A_lock_path_that_is_a_directory_is_one_clear_error()
    {
        var store = new StateStore(dir.FullName, "hastack", "s");
        Directory.CreateDirectory(Path.Combine(dir.FullName, ".hastack", "stacks", "hastack", "s.lock"));
        var e = Assert.Throws<StackLockedException>(() => store.Lock("up", _ => { }));
        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
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
        var state = store.Load("pw");
        var secrets = new SecretStore(state, config, store.Key);
        secrets.Generate("replication", 32);
        var value = secrets.Value("replication");
        Assert.Matches("^[A-Za-z0-9]{32}$", value);
        secrets.Generate("replication", 32);
        Assert.Equal(value, secrets.Value("replication"));
        store.Save(state);
        Assert.DoesNotContain(value, File.ReadAllText(store.StatePath), StringComparison.Ordinal);
        var reopened = new SecretStore(store.Load("pw"), config, store.Key);
        Assert.Equal(value, reopened.Value("replication"));
        Assert.Throws<IncorrectPassphraseException>(() => store.Load("wrong"));
        Assert.Equal($"a@@secret:replication:sql@@b".Replace("@@secret:replication:sql@@", value, StringComparison.Ordinal),
            reopened.Reveal("a@@secret:replication:sql@@b"));
    }
}
