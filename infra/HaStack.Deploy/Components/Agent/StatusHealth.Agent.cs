namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    private static void Agent(StackStatus status, List<string> degraded)
    {
        // the VIP: one holder, every agent answering, none in FAULT
        var holders = status.VipHolders;
        if (holders.Count == 0)
            degraded.Add($"no host holds the VIP {status.Vip}");
        else if (holders.Count > 1)
            degraded.Add($"the VIP {status.Vip} is on {holders.Count} hosts at once ({string.Join(", ", holders)})");
        foreach (var agent in status.Agents)
        {
            if (!agent.Answered)
                degraded.Add($"the agent on {agent.Host} does not answer: that host cannot take the VIP");
            else if (agent.State == "FAULT")
                degraded.Add($"the agent on {agent.Host} is in FAULT ({agent.LastReason ?? "its check fails"}): that host cannot take the VIP");
        }
    }
}
