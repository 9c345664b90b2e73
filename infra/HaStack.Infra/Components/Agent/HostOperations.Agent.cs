using System.Globalization;
using HaStack.Infra.Graph;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>The agent's binary, and the VIP as the failover proof watches it.</summary>
internal static partial class HostOperations
{
    public static HostScript WriteAgentBinary(AgentBinaryInputs binary) => WriteFile(binary.Path, binary.Mode, "root", "root", ScriptInput.AgentBinary);

    /// <summary>Where a program that uploads the agent binary first (Pulumi's CopyToRemote) puts it: named by its hash.</summary>
    public static string AgentUploadPath(AgentBinaryInputs binary) => $"/tmp/hastack-vrrpd.{binary.Sha256 ?? "unbuilt"}";

    /// <summary>
    /// The agent binary installed from an uploaded copy: the same atomic write as <see cref="WriteAgentBinary"/>, its
    /// standard input the uploaded file, which is removed once it is installed. A failed write exits with its own
    /// status and keeps the upload, which the next run installs from (the upload is not made again).
    /// </summary>
    public static HostScript InstallUploadedAgent(AgentBinaryInputs binary)
    {
        var write = WriteAgentBinary(binary);
        var upload = Quote(AgentUploadPath(binary));
        return write with
        {
            What = $"installing {binary.Path}",
            Input = ScriptInput.None,
            Text = $"sh -c {Quote(write.Text)} < {upload} && rm -f -- {upload}",
        };
    }

    public static HostScript HoldsAddress(string device, string address) =>
        new($"looking for {address}", $"ip -4 -o addr show dev {Quote(device)} | grep -qwF -- {Quote(address)}") { Kind = HostOperationKind.VipLookup, Subject = address };

    /// <summary>What marks a running <see cref="WaitForAddress"/> loop, so <see cref="StopWaitingForAddress"/> finds it.</summary>
    private const string WatchMarker = "hastack-vip-watch";

    /// <summary>
    /// Waits on the host itself (no round trip per poll) until it holds the address; exit 1 after about
    /// <paramref name="seconds"/> of polls. The loop outlives a closed SSH channel, so the failover proof stops the
    /// hosts that lost the race (<see cref="StopWaitingForAddress"/>); a poll forks only ip, grep and sleep.
    /// </summary>
    public static HostScript WaitForAddress(string device, string address, double seconds)
    {
        var polls = ((int)(seconds * 1000 / 5)).ToString(CultureInfo.InvariantCulture);
        return new($"waiting for {address}", $"""
            # {WatchMarker}
            i=0
            until ip -4 -o addr show dev {Quote(device)} | grep -qwF -- {Quote(address)}; do
              i=$((i + 1)); [ $i -ge {polls} ] && exit 1
              sleep 0.005
            done
            """, TimeoutSeconds: (int)seconds + 10);
    }

    /// <summary>Ends this host's waiting loops (the [w] keeps pkill from matching the shell that runs it).</summary>
    public static HostScript StopWaitingForAddress() =>
        new("stopping the address watch", $"pkill -f '{WatchMarker[..^5]}[{WatchMarker[^5]}]{WatchMarker[^4..]}' || true");
}
