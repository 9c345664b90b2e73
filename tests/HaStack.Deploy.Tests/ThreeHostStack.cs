using HaStack.Infra;
using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.Tests;

/// <summary>The stack most engine tests plan for: node1-3 with every role, the VIP at 10.77.0.100, and whatever keys a test adds.</summary>
internal static class ThreeHostStack
{
    /// <param name="extraKeys">more keys under <c>config:</c>, each line indented two spaces, e.g. "  hastack:pgbouncer:\n    placement: proxy"</param>
    public static StackPlan Plan(string extraKeys = "") => StackPipeline.Plan(StackConfigBinder.Load(StackFiles.Parse("name: hastack\n",
        "config:\n" +
        "  hastack:hosts:\n" +
        "    - { name: node1, address: 10.77.0.11 }\n" +
        "    - { name: node2, address: 10.77.0.12 }\n" +
        "    - { name: node3, address: 10.77.0.13 }\n" +
        "  hastack:vip:\n" +
        "    address: 10.77.0.100/24\n" + extraKeys, "s"), () => null).Config!, new string('b', 64));
}
