using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace HaStack.Vrrpd.Linux;

/// <summary>What the agent needs to know of an interface: index, MAC, primary IPv4 address, link state.</summary>
internal sealed record NetworkInterfaceInfo(string Name, int Index, byte[] Mac, IPAddress? PrimaryAddress)
{
    /// <summary>Reads the interface; the primary address is its first IPv4 address that is not one of ours.</summary>
    public static NetworkInterfaceInfo Read(string name, IReadOnlyCollection<IPAddress> virtualAddresses)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
            ?? throw new InvalidOperationException($"interface {name} not found");
        var properties = nic.GetIPProperties();
        var index = properties.GetIPv4Properties()?.Index ?? throw new InvalidOperationException($"interface {name} has no IPv4");
        var primary = properties.UnicastAddresses
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !virtualAddresses.Contains(a));
        return new NetworkInterfaceInfo(name, index, nic.GetPhysicalAddress().GetAddressBytes(), primary);
    }

    /// <summary>Link state from sysfs: up when operstate is up or unknown (e.g. some virtual links) and carrier is on.</summary>
    public static bool LinkIsUp(string name)
    {
        try
        {
            var operstate = File.ReadAllText($"/sys/class/net/{name}/operstate").Trim();
            return operstate is "up" or "unknown";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
