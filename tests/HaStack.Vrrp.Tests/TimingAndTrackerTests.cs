using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;
using HaStack.Vrrp.Tracking;

namespace HaStack.Vrrp.Tests;

public class TimingTests
{
    [Theory]
    // priority 100: skew 156/256 s = 0.609375 s; Master_Down_Interval 3.609375 s (vrrp.md §1.6)
    [InlineData(VrrpVersion.V2, 100, 100, 609.375, 3609.375)]
    [InlineData(VrrpVersion.V3, 100, 100, 609.375, 3609.375)]
    // v3 scales the skew with the interval; v2 does not (it has no sub-second interval)
    [InlineData(VrrpVersion.V3, 100, 10, 60.9375, 360.9375)]
    [InlineData(VrrpVersion.V3, 200, 100, 218.75, 3218.75)]
    [InlineData(VrrpVersion.V2, 254, 300, 7.8125, 9007.8125)]
    public void Rfc9568_6_1_and_rfc3768_6_1_skew_and_master_down_interval(VrrpVersion version, byte priority, int intervalCs, double skewMs, double downMs)
    {
        Assert.Equal(skewMs, Timing.SkewTime(version, priority, intervalCs).TotalMilliseconds, 6);
        Assert.Equal(downMs, Timing.MasterDownInterval(version, priority, intervalCs, intervalCs).TotalMilliseconds, 6);
    }
}

public class TrackerTests
{
    private static EffectivePriority Compute(byte priority, params (int Weight, bool Reverse, bool Healthy)[] trackers) =>
        TrackerArithmetic.Compute(priority, trackers.Select((t, i) => ($"t{i}", new TrackerWeight(t.Weight, t.Reverse), t.Healthy)));

    [Fact]
    public void Fall_consecutive_failures_take_a_tracker_down_and_rise_successes_bring_it_up()
    {
        var health = TrackerHealth.Initial(initFail: false);
        health = health.Record(false, rise: 2, fall: 3).Record(false, 2, 3);
        Assert.True(health.Healthy);
        health = health.Record(false, 2, 3);
        Assert.False(health.Healthy);
        health = health.Record(true, 2, 3);
        Assert.False(health.Healthy);
        health = health.Record(false, 2, 3).Record(true, 2, 3).Record(true, 2, 3);
        Assert.True(health.Healthy);
    }

    [Fact]
    public void Init_fail_starts_a_tracker_down()
    {
        Assert.False(TrackerHealth.Initial(initFail: true).Healthy);
        Assert.True(TrackerHealth.Initial(initFail: true).Record(true, 1, 1).Healthy);
    }

    [Fact]
    public void Weight_0_failure_is_a_fault()
    {
        var result = Compute(100, (0, false, false));
        Assert.True(result.Fault);
        Assert.Equal("t0 failed", result.FaultReason);
        Assert.False(Compute(100, (0, false, true)).Fault);
    }

    [Fact]
    public void Positive_weights_add_while_healthy_negative_subtract_while_failed()
    {
        Assert.Equal(102, Compute(100, (2, false, true), (-50, false, true)).Priority);
        Assert.Equal(50, Compute(100, (2, false, false), (-50, false, false)).Priority);
    }

    [Fact]
    public void Reverse_turns_the_adjustment_around()
    {
        Assert.Equal(90, Compute(100, (10, true, true)).Priority);
        Assert.True(Compute(100, (0, true, true)).Fault);
    }

    [Fact]
    public void Effective_priority_is_clamped_to_1_254_and_the_owner_keeps_255()
    {
        Assert.Equal(254, Compute(250, (100, false, true)).Priority);
        Assert.Equal(1, Compute(10, (-200, false, false)).Priority);
        Assert.Equal(255, Compute(255, (-200, false, false)).Priority);
        Assert.True(Compute(255, (0, false, false)).Fault);
    }
}
