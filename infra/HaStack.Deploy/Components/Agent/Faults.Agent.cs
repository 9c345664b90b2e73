
namespace HaStack.Deploy.Verification;

internal static partial class Faults
{
    public const string AgentKill = "agent-kill";

    private static Fault AgentFault() =>
        new(AgentKill, "hastack-vrrpd killed (SIGKILL) on the VIP holder", FaultKind.Kill, FaultTarget.VipHolder, "hastack-vrrpd", TimeSpan.FromSeconds(2));
}
