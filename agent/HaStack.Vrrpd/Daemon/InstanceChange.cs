using HaStack.Vrrp.Config;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrpd.Daemon;

/// <summary>How a reloaded instance differs from the running one: not at all, only in peers or priority (applied in place), or otherwise (restarted).</summary>
internal static class InstanceChange
{
    /// <summary>The same instance with other peers or another priority (never the address owner's 255, which changes how it runs).</summary>
    public static bool OnlyPeersOrPriorityDiffer(InstanceConfig old, InstanceConfig next) =>
        old.Priority != Advertisement.OwnerPriority && next.Priority != Advertisement.OwnerPriority && old.UnicastPeers.Count > 0 == next.UnicastPeers.Count > 0 &&
        Fingerprint(old with { Priority = 0, UnicastPeers = [] }) == Fingerprint(next with { Priority = 0, UnicastPeers = [] });

    /// <summary>Everything that defines an instance, as text: equal fingerprints mean a reload leaves it alone.</summary>
    public static string Fingerprint(InstanceConfig i) => string.Join('|',
        i.Name, i.InitialState, i.Interface, i.VirtualRouterId, i.Priority, i.AdvertIntervalCentiseconds, i.Version, i.AuthType, i.AuthPassword,
        string.Join(',', i.VirtualAddresses), i.UnicastSource, string.Join(',', i.UnicastPeers),
        string.Join(',', i.TrackScripts.Select(t => $"{t.Name}:{t.Weight}:{t.Reverse}")),
        string.Join(',', i.TrackInterfaces.Select(t => $"{t.Name}:{t.Weight}:{t.Reverse}")),
        string.Join(',', i.TrackProcesses.Select(t => $"{t.Name}:{t.Weight}:{t.Reverse}")),
        i.Preempt, i.PreemptDelay, i.GratuitousArp, i.Notify, i.Accept, i.V3Checksum, i.LowerPriorityNoAdvert, i.CheckUnicastSource, i.HigherPriorityAdvert);
}
