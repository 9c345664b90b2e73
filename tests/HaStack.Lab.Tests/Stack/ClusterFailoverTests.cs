using HaStack.Deploy.Verification;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using HaStack.Lab.Tests.Agent;
using HaStack.Lab.Tests.Lab;
using Npgsql;

namespace HaStack.Lab.Tests.Stack;

/// <summary>
/// The deployed stack under a real failure: the primary's host loses power (frozen and off the bridge) while a
/// writer writes through the VIP. Writes must resume, no acknowledged write may be lost (synchronous mode), and
/// the old primary must come back as a replica.
/// </summary>
[Collection(LabTestGroup.Name)]
public sealed class ClusterFailoverTests(LabFixture fixture) : IDisposable
{
    private readonly LabEnvironment lab = fixture.Lab;
    private readonly EngineProject project = new("failover");

    public void Dispose()
    {
        foreach (var host in lab.Hosts)
            AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/power.sh {host.Name} on 2>/dev/null || true");
        project.Run("destroy", "--yes", "--purge-data");
        project.Dispose();
    }

    /// <summary>Patroni's view of the cluster, asked on a host that is up: (member, role, state) each.</summary>
    private List<(string Name, string Role, string State)> Members(LabHost via)
    {
        var json = PatroniApi.Get(via, "/cluster");
        if (json.ExitStatus != 0)
            return [];
        return JsonDocument.Parse(json.Stdout).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("role").GetString()!, m.GetProperty("state").GetString()!)).ToList();
    }

    [Fact]
    public async Task Primary_host_power_off_writes_resume_through_the_vip_nothing_acknowledged_is_lost_and_it_rejoins_as_a_replica()
    {
        EngineProject.CleanSlate(lab);
        project.Check("up", "--yes");
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = AgentLab.Vip, Port = 5000, Username = "postgres", Password = project.Secret("postgres-superuser"), Database = "postgres",
            Timeout = 2, CommandTimeout = 5, Pooling = false,
        }.ConnectionString;
        using (var setup = new NpgsqlConnection(connection))
        {
            setup.Open();
            new NpgsqlCommand("DROP TABLE IF EXISTS hastack_writes; CREATE TABLE hastack_writes (id int PRIMARY KEY, at timestamptz DEFAULT now())", setup).ExecuteNonQuery();
        }

        var primary = Members(lab.Hosts[0]).Single(m => PatroniRoles.IsLeader(m.Role)).Name;
        var primaryHost = lab.Hosts.Single(h => h.Name == primary);
        var survivor = lab.Hosts.First(h => h != primaryHost);
        var acknowledged = new ConcurrentBag<int>();
        var ackTimes = new ConcurrentQueue<(int Id, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var lastError = "";
        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s acknowledged {acknowledged.Count}; last error: {lastError}");
                await Task.Delay(2000);
            }
        });
        var writer = Task.Run(() =>
        {
            var next = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var c = new NpgsqlConnection(connection);
                    c.Open();
                    while (!stop.IsCancellationRequested)
                    {
                        var id = ++next;
                        new NpgsqlCommand($"INSERT INTO hastack_writes (id) VALUES ({id})", c).ExecuteNonQuery();
                        acknowledged.Add(id);
                        ackTimes.Enqueue((id, clock.Elapsed));
                        Thread.Sleep(20);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or System.IO.IOException)
                {
                    lastError = $"{clock.Elapsed.TotalSeconds:0.0}s {e.GetType().Name}: {e.Message}";
                    Thread.Sleep(50);
                }
            }
        });

        try
        {
            AgentLab.WaitFor("writes flowing", () => acknowledged.Count >= 20, TimeSpan.FromSeconds(20));
            var cut = clock.Elapsed;
            AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/power.sh {primary} off");
            var off = clock.Elapsed;
            // a write acknowledged once the host is off came from the new primary
            AgentLab.WaitFor("writes resume after the primary's host lost power", () => ackTimes.Any(a => a.At > off), TimeSpan.FromSeconds(60));
            var resumed = ackTimes.Where(a => a.At > off).Min(a => a.At) - cut;
            var newPrimary = Members(survivor).Single(m => PatroniRoles.IsLeader(m.Role)).Name;
            Assert.NotEqual(primary, newPrimary);

            AgentLab.HostSide($"bash {LabEnvironment.ScriptsDir}/power.sh {primary} on");
            AgentLab.WaitFor($"{primary} back as a running replica", () =>
                Members(survivor).Any(m => m.Name == primary && !PatroniRoles.IsLeader(m.Role) && m.State is "running" or "streaming"), TimeSpan.FromSeconds(120));
            Console.WriteLine($"writes resumed {resumed.TotalSeconds:0.0} s after the power cut of {primary}; new primary {newPrimary}");
            // enough writes on the new primary to make the check below mean something
            AgentLab.WaitFor("20 writes after the failover", () => ackTimes.Count(a => a.At > off) >= 20, TimeSpan.FromSeconds(30));
        }
        finally
        {
            stop.Cancel();
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var check = new NpgsqlConnection(connection);
        check.Open();
        var stored = new HashSet<int>();
        using (var reader = new NpgsqlCommand("SELECT id FROM hastack_writes", check).ExecuteReader())
            while (reader.Read())
                stored.Add(reader.GetInt32(0));
        var lost = acknowledged.Where(id => !stored.Contains(id)).Order().ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged write(s) lost: {string.Join(", ", lost.Take(20))}");
    }
}
