namespace HaStack.Vrrp.Config;

/// <summary>The weight range keepalived accepts (keepalived.conf(5): -253..253).</summary>
internal static class TrackerArithmeticLimits
{
    public const int MinimumWeight = Tracking.TrackerArithmetic.MinimumWeight;
    public const int MaximumWeight = Tracking.TrackerArithmetic.MaximumWeight;
}
