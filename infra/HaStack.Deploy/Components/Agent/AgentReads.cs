using System.Globalization;
using HaStack.Deploy.Remote;
using HaStack.Deploy.Status;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Reads;

/// <summary>The agent as HaStack reads it: its /status on loopback, and whether the host holds the VIP.</summary>
internal static class AgentReads
{
    /// <summary>Its first instance's state and priorities (whether the host holds the VIP is another read: <see cref="HoldsVip"/>).</summary>
    public static HostRead<AgentView> Status(string host, int statusPort) =>
        new(HostOperations.HttpGet("reading the agent's status", $"http://127.0.0.1:{statusPort.ToString(CultureInfo.InvariantCulture)}/status"),
            json => StatusParsers.Agent(host, json, holdsVip: false));

    /// <summary>Exits 0 when the host holds <paramref name="address"/> on <paramref name="device"/>: an answer, not a failure, either way.</summary>
    public static bool HoldsVip(IHostSession session, string device, string address) => session.Run(HostOperations.HoldsAddress(device, address)).Ok;
}
