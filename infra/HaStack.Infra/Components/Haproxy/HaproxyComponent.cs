using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Haproxy component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    public static readonly Component Haproxy = new("haproxy", "haproxy",
        _ => ["haproxy"],
        [
            // before the config that loads it: HAProxy checks both at each reload
            new("haproxy-end-sessions.lua.sbn", HaproxyEndSessionsPath, "0644", "root", "root", FileEffect.Reload),
            new("haproxy.cfg.sbn", "/etc/haproxy/haproxy.cfg", "0644", "root", "root", FileEffect.Reload),
            RecoveryDropIn("haproxy"),
        ],
        [new("haproxy.writePort", c => c.Haproxy.WritePort), new("haproxy.readPort", c => c.Haproxy.ReadPort), new("haproxy.statsPort", c => c.Haproxy.StatsPort)],
        (c, _) => new ReadinessProbe(ProbeKind.TcpListen, $"{c.Haproxy.WritePort}", 30),
        None,
        ["haproxy"],
        // Debian's always, with systemd's default start limit (5 in 10 s) that a crash loop exhausts for good
        new("always", 0.5, "a proxy that dies comes back; meanwhile the VIP has moved to another one"))
    {
        Model = Rendering.HaproxyModel.Of,
    };

    /// <summary>
    /// How long HaStack's Lua task lets a server that answered its check as the wrong role (a switchover, a demotion,
    /// a crashed postmaster) keep its sessions: at once where HAProxy ends sessions cleanly, 1 s where ending them
    /// strands a connect still in setup (HAProxy 3.0). The task, not <c>on-marked-down shutdown-sessions</c>, ends them
    /// on every release, because only it can tell that case from a server that stopped answering (a killed Patroni,
    /// whose primary keeps serving its sessions meanwhile).
    /// </summary>
    public static int AnsweredDownGraceMs(StackConfig c) => c.Release.HaproxyStrandsConnectsOnShutdownSessions ? 1000 : 0;

    /// <summary>HAProxy's listeners as haproxy.cfg names them and its statistics report them: writes to the primary, reads to the replicas.</summary>
    public const string HaproxyWriteListener = "writes", HaproxyReadListener = "reads";

    public const string HaproxyEndSessionsPath = "/etc/haproxy/hastack-end-sessions.lua";
}
