using System.Collections.Concurrent;
using HaStack.Deploy.Remote;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Tests;

/// <summary>
/// A host for unit tests of the engine: it records every script it is given and answers through a handler
/// (by default: success, empty output). Real hosts are the lab's; this one makes the engine's bookkeeping testable.
/// </summary>
internal sealed class FakeHost(string host, Func<HostScript, byte[]?, RemoteResult>? handler = null) : IHostSession
{
    public string Host => host;

    public ConcurrentQueue<(HostScript Script, byte[]? Stdin)> Ran { get; } = new();

    public Func<HostScript, byte[]?, RemoteResult> Handler { get; set; } = handler ?? ((_, _) => Ok());

    public RemoteResult Run(HostScript script, byte[]? stdin = null)
    {
        Ran.Enqueue((script, stdin));
        return Handler(script, stdin);
    }

    public static RemoteResult Ok(string stdout = "") => new(0, stdout, "");

    /// <summary>Patroni's /cluster as its REST API answers it, with the fields HaStack reads; pending_restart on the <paramref name="pending"/> members.</summary>
    public static string PatroniCluster(IEnumerable<(string Name, string Role, string State, int? Timeline)> members, IReadOnlySet<string>? pending = null) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["members"] = members.Select(m =>
            {
                var member = new Dictionary<string, object> { ["name"] = m.Name, ["role"] = m.Role, ["state"] = m.State };
                if (m.Timeline is { } t)
                    member["timeline"] = t;
                if (pending?.Contains(m.Name) == true)
                    member["pending_restart"] = true;
                return member;
            }).ToList(),
        });

    public static RemoteResult Fail(string stderr) => new(1, "", stderr);

    /// <summary>/patroni of a primary whose replication has <paramref name="synchronous"/> as sync standbys (and one async replica).</summary>
    public static string PatroniReplication(params string[] synchronous) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["state"] = "running",
            ["replication"] = synchronous.Select(n => new Dictionary<string, object> { ["application_name"] = n, ["sync_state"] = "sync" })
                .Append(new Dictionary<string, object> { ["application_name"] = "async-replica", ["sync_state"] = "async" }).ToList(),
        });

    /// <summary>
    /// What the planned orchestration reads of a steady cluster: node1 leads (node2 its sync standby) and holds the VIP
    /// (10.77.0.100), and no member waits for a restart; any other script succeeds quietly.
    /// </summary>
    public static RemoteResult SteadyCluster(string host, HostScript script) => script.Kind switch
    {
        HostOperationKind.PatroniMembers => Ok(PatroniCluster(new[] { "node1", "node2", "node3" }.Select(n =>
            (n, n == "node1" ? "leader" : n == "node2" ? "sync_standby" : "replica", "running", (int?)1)))),
        HostOperationKind.VipLookup => host == "node1" && script.Subject == "10.77.0.100" ? Ok() : Fail(""),
        _ => Ok(),
    };

    public IEnumerable<string> Texts => Ran.Select(r => r.Script.Text);
}
