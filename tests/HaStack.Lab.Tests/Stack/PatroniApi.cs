using HaStack.Infra.Graph;
using HaStack.Infra.Operations;
using HaStack.Lab.Tests.Lab;

namespace HaStack.Lab.Tests.Stack;

/// <summary>
/// Patroni's REST API read on a lab host the way HaStack reads it (<see cref="HostOperations.HttpGet"/>): over https,
/// trusting the cluster's CA alone, as the lab stack has TLS.
/// </summary>
internal static class PatroniApi
{
    public static CommandResult Get(LabHost host, string path, TimeSpan? timeout = null) =>
        host.Run(HostOperations.HttpGet($"reading Patroni's {path}", new SqlTarget(host.Name, host.Address, 8008, Tls: true).Url(path)).CommandLine(sudo: false),
            timeout: timeout);

    public static string Check(LabHost host, string path)
    {
        var answer = Get(host, path);
        return answer.ExitStatus == 0 ? answer.Stdout : throw new InvalidOperationException($"{host.Name}: GET {path} failed: {answer}");
    }
}
