using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Protocol;

/// <summary>The timer formulas of RFC 3768 §6.1 (v2) and RFC 9568 §6.1 (v3).</summary>
public static class Timing
{
    private const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    public static TimeSpan Centiseconds(int value) => TimeSpan.FromTicks(value * TicksPerCentisecond);

    /// <summary>
    /// v2: (256 − Priority) / 256 seconds, whatever the interval. v3: ((256 − Priority) × Master_Adver_Interval) / 256,
    /// so it scales with the interval the Master advertises.
    /// </summary>
    public static TimeSpan SkewTime(VrrpVersion version, byte priority, int masterAdvertisementIntervalCentiseconds) =>
        version == VrrpVersion.V2
            ? TimeSpan.FromTicks((256 - priority) * TimeSpan.TicksPerSecond / 256)
            : TimeSpan.FromTicks((256 - priority) * masterAdvertisementIntervalCentiseconds * TicksPerCentisecond / 256);

    /// <summary>3 × the interval + Skew_Time; v2 uses its own interval (intervals must match), v3 the Master's.</summary>
    public static TimeSpan MasterDownInterval(VrrpVersion version, byte priority, int ownIntervalCentiseconds, int masterIntervalCentiseconds)
    {
        var interval = version == VrrpVersion.V2 ? ownIntervalCentiseconds : masterIntervalCentiseconds;
        return Centiseconds(3 * interval) + SkewTime(version, priority, interval);
    }
}
