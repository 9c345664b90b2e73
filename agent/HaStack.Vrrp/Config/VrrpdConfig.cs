using System.Net;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrp.Config;

/// <summary>A whole config: global settings, health-check scripts and VRRP instances.</summary>
public sealed record VrrpdConfig(
    GlobalSettings Global,
    IReadOnlyList<ScriptTrackerConfig> Scripts,
    IReadOnlyList<InstanceConfig> Instances,
    IReadOnlyList<ProcessTrackerConfig>? Processes = null)
{
    public IReadOnlyList<ProcessTrackerConfig> ProcessTrackers => Processes ?? [];
}

/// <summary>keepalived's vrrp_track_process: healthy while at least Quorum processes named Process run.
/// hastack-vrrpd watches them with pidfds, which work inside containers (the proc connector does not).</summary>
public sealed record ProcessTrackerConfig(string Name, string Process, int Weight, bool Reverse, int Quorum, SourceLocation Location);

public sealed record GlobalSettings(
    string? RouterId = null,
    VrrpVersion Version = VrrpVersion.V2,
    bool Strict = false,
    string? ScriptUser = null,
    bool EnableScriptSecurity = false,
    GratuitousArpSettings? GratuitousArp = null,
    bool LowerPriorityNoAdvert = false,
    bool CheckUnicastSource = false,
    IPAddress? MulticastGroup = null,
    bool HigherPriorityAdvert = false);

/// <summary>keepalived's GARP knobs: a burst of Repeat on becoming master, another after Delay, and every
/// Refresh (zero: never) a burst of RefreshRepeat; LowerPriorityRepeat when a lower-priority master is heard.</summary>
public sealed record GratuitousArpSettings(
    TimeSpan Delay,
    int Repeat,
    TimeSpan Refresh,
    int RefreshRepeat,
    int LowerPriorityRepeat)
{
    public static GratuitousArpSettings Default { get; } = new(TimeSpan.FromSeconds(5), 5, TimeSpan.Zero, 1, 5);
}

public sealed record ScriptTrackerConfig(
    string Name,
    string Command,
    TimeSpan Interval,
    TimeSpan Timeout,
    int Weight,
    bool Reverse,
    int Rise,
    int Fall,
    string? User,
    bool InitFail,
    SourceLocation Location);

/// <summary>A tracker as an instance refers to it: the script's name and, optionally, a weight of its own.</summary>
public sealed record TrackReference(string Name, int? Weight, bool Reverse, SourceLocation Location);

public sealed record VirtualAddress(IPAddress Address, int PrefixLength, string? Device, string? Label)
{
    public override string ToString() => $"{Address}/{PrefixLength}" + (Device is null ? "" : $" dev {Device}");
}

public sealed record NotifyScripts(string? Master = null, string? Backup = null, string? Fault = null, string? Stop = null, string? Any = null);

public sealed record InstanceConfig(
    string Name,
    SourceLocation Location,
    RouterState InitialState,
    string Interface,
    byte VirtualRouterId,
    byte Priority,
    int AdvertIntervalCentiseconds,
    VrrpVersion Version,
    AuthenticationType AuthType,
    string? AuthPassword,
    IReadOnlyList<VirtualAddress> VirtualAddresses,
    IPAddress? UnicastSource,
    IReadOnlyList<IPAddress> UnicastPeers,
    IReadOnlyList<TrackReference> TrackScripts,
    IReadOnlyList<TrackReference> TrackInterfaces,
    IReadOnlyList<TrackReference> TrackProcesses,
    bool Preempt,
    TimeSpan PreemptDelay,
    GratuitousArpSettings GratuitousArp,
    NotifyScripts Notify,
    bool Accept,
    ChecksumForm V3Checksum,
    bool LowerPriorityNoAdvert,
    bool CheckUnicastSource,
    bool HigherPriorityAdvert = false)
{
    /// <summary>The interval as the wire carries it: seconds for v2, centiseconds for v3.</summary>
    public ushort IntervalField => (ushort)(Version == VrrpVersion.V2 ? AdvertIntervalCentiseconds / 100 : AdvertIntervalCentiseconds);
}
