using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Tracking;

/// <summary>How a tracker's result moves the instance (keepalived's weight semantics).</summary>
/// <param name="Weight">0: a failure is a FAULT. &gt; 0: added while healthy. &lt; 0: added (so subtracted) while failed.</param>
/// <param name="Reverse">keepalived's <c>reverse</c>: the adjustment goes the other way (weight 0: fault while healthy).</param>
public readonly record struct TrackerWeight(int Weight, bool Reverse = false);

/// <summary>Consecutive-result counting for a tracker: <c>fall</c> failures take it down, <c>rise</c> successes up.</summary>
public readonly record struct TrackerHealth(bool Healthy, int Successes, int Failures)
{
    public static TrackerHealth Initial(bool initFail) => new(!initFail, 0, 0);

    public TrackerHealth Record(bool succeeded, int rise, int fall)
    {
        var successes = succeeded ? Successes + 1 : 0;
        var failures = succeeded ? 0 : Failures + 1;
        var healthy = Healthy ? failures < Math.Max(1, fall) : successes >= Math.Max(1, rise);
        return new TrackerHealth(healthy, successes, failures);
    }
}

public readonly record struct EffectivePriority(byte Priority, bool Fault, string? FaultReason);

public static class TrackerArithmetic
{
    public const int MinimumWeight = -253;
    public const int MaximumWeight = 253;

    /// <summary>
    /// The priority an instance advertises given its trackers: the configured priority plus the weights that
    /// apply, clamped to 1..254. A failed weight-0 tracker means FAULT. The owner's 255 is never changed.
    /// </summary>
    public static EffectivePriority Compute(byte configuredPriority, IEnumerable<(string Name, TrackerWeight Weight, bool Healthy)> trackers)
    {
        var total = 0;
        foreach (var (name, weight, healthy) in trackers)
        {
            var effectiveHealthy = weight.Reverse ? !healthy : healthy;
            if (weight.Weight == 0)
            {
                if (!effectiveHealthy)
                    return new EffectivePriority(configuredPriority, true, $"{name} failed");
                continue;
            }
            var sign = weight.Reverse ? -1 : 1;
            if (weight.Weight > 0 && healthy)
                total += sign * weight.Weight;
            else if (weight.Weight < 0 && !healthy)
                total += sign * weight.Weight;
        }
        if (configuredPriority == Advertisement.OwnerPriority)
            return new EffectivePriority(configuredPriority, false, null);
        return new EffectivePriority((byte)Math.Clamp(configuredPriority + total, 1, 254), false, null);
    }
}
