using System.Net;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Protocol;

/// <summary>RFC 9568 §6.3 states (Master is its "Active"), plus keepalived's FAULT.</summary>
public enum RouterState
{
    Initialize,
    Backup,
    Master,
    Fault,
}

public enum TimerKind
{
    MasterDown,
    Advertisement,
}

/// <summary>What does not change while an instance runs (a reload makes a new one).</summary>
public sealed record RouterSettings(
    VrrpVersion Version,
    byte VirtualRouterId,
    IPAddress PrimaryAddress,
    byte ConfiguredPriority,
    int AdvertisementIntervalCentiseconds,
    bool Preempt = true,
    TimeSpan PreemptDelay = default,
    bool LowerPriorityNoAdvert = false,
    bool GratuitousArpOnLowerPriority = true,
    bool HigherPriorityAdvert = false)
{
    public bool IsOwner => ConfiguredPriority == Advertisement.OwnerPriority;
}

/// <summary>An instance's state at one moment: what the pure state machine reads and returns.</summary>
public sealed record RouterSnapshot(
    RouterState State,
    byte Priority,
    int MasterAdvertisementIntervalCentiseconds,
    TimeSpan? MasterDownAt = null,
    TimeSpan? AdvertisementAt = null,
    TimeSpan? StartedAt = null,
    TimeSpan? LowerPriorityMasterSince = null,
    bool Faulted = false,
    IPAddress? MasterAddress = null)
{
    public static RouterSnapshot Initial(RouterSettings settings) =>
        new(RouterState.Initialize, settings.ConfiguredPriority, settings.AdvertisementIntervalCentiseconds);

    /// <summary>The earliest timer, which the daemon sleeps until.</summary>
    public TimeSpan? NextDeadline => (MasterDownAt, AdvertisementAt) switch
    {
        ({ } m, { } a) => m < a ? m : a,
        ({ } m, null) => m,
        (null, { } a) => a,
        _ => null,
    };
}

public abstract record RouterEvent
{
    public sealed record Startup : RouterEvent;

    public sealed record Shutdown : RouterEvent;

    public sealed record TimerExpired(TimerKind Timer) : RouterEvent;

    /// <summary>An advert that passed <see cref="ReceiveValidator"/>; interval in centiseconds.</summary>
    public sealed record AdvertisementReceived(byte Priority, int IntervalCentiseconds, IPAddress Source) : RouterEvent;

    /// <summary>Trackers moved the effective priority (see Tracking).</summary>
    public sealed record PriorityChanged(byte Priority) : RouterEvent;

    /// <summary>A fault began (true) or ended (false): a weight-0 tracker, a tracked interface.</summary>
    public sealed record FaultChanged(bool Faulted, string Reason) : RouterEvent;
}

public abstract record RouterAction
{
    public sealed record SendAdvertisement(byte Priority) : RouterAction;

    public sealed record AddVirtualAddresses : RouterAction;

    public sealed record RemoveVirtualAddresses : RouterAction;

    public sealed record SendGratuitousArp(string Reason) : RouterAction;

    public sealed record SetTimer(TimerKind Timer, TimeSpan At) : RouterAction;

    public sealed record CancelTimer(TimerKind Timer) : RouterAction;

    /// <summary>The state changed: one log line, and the notify scripts.</summary>
    public sealed record Notify(RouterState From, RouterState To, string Reason) : RouterAction;
}

public sealed record Transition(RouterSnapshot Next, IReadOnlyList<RouterAction> Actions);
