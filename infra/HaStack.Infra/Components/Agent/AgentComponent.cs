using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Agent component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    public const string AgentConfigPath = "/etc/hastack-vrrpd/keepalived.conf";

    public const string AgentCheckScriptPath = "/etc/hastack-vrrpd/check-layer";

    /// <summary>Our VRRP agent: one native file we upload (no package); keepalived's service is guarded off and kept from starting while the agent is configured, as it would fight for the VIP.</summary>
    public static readonly Component Agent = new("hastack-vrrpd", "hastack-vrrpd",
        None,
        [
            new("keepalived.conf.sbn", AgentConfigPath, "0600", "root", "root", FileEffect.Reload) { CheckAsAgentConfig = true },
            new("check-layer.sh.sbn", AgentCheckScriptPath, "0755", "root", "root", FileEffect.None),
            new("hastack-vrrpd.service.sbn", "/etc/systemd/system/hastack-vrrpd.service", "0644", "root", "root", FileEffect.Restart),
            // keepalived (installed for other reasons, or before HaStack) must not claim the VIP beside the agent
            new("keepalived-displaced.conf.sbn", "/etc/systemd/system/keepalived.service.d/50-hastack-displaced.conf", "0644", "root", "root", FileEffect.None),
        ],
        [new("vip.statusPort", c => c.Vip.StatusPort)],
        (_, _) => new ReadinessProbe(ProbeKind.Active, "", 30),
        None,
        ["keepalived"],
        new("always", 1, "a host whose agent died takes no part in electing the VIP holder until it is back"))
    {
        Wiring = Graph.AgentGraph.Service,
        Model = Rendering.AgentModel.Of,
    };

    public const string AgentBinaryPath = "/usr/local/sbin/hastack-vrrpd";

    public const string AgentBinaryMode = "0755";

    /// <summary>Far above the native agent's size (a few MB): a larger file is not the agent and is not read into memory.</summary>
    public const int AgentBinaryMaxBytes = 64 << 20;
}
