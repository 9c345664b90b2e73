using HaStack.Infra.Operations;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Agent;

/// <summary>The agent's own HTTP endpoints on a lab host (loopback), read the way HaStack reads them (<see cref="HostOperations.HttpGet"/>).</summary>
internal static class AgentApi
{
    public static string Get(LabHost host, string path) =>
        host.Check(HostOperations.HttpGet($"reading the agent's {path}", $"http://127.0.0.1:9651{path}").CommandLine(sudo: false));
}
