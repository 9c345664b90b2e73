using HaStack.Infra.Config;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>A file a component puts on its hosts: which template renders it, where it goes, and what a change asks of the service.</summary>
/// <param name="OnlyWhen">when set, the file is there only on stacks it holds for (a release's workaround, say)</param>
internal sealed record ComponentFile(string Template, string Path, string Mode, string Owner, string Group, FileEffect Effect, Func<StackConfig, bool>? OnlyWhen = null)
{
    /// <summary>The agent's configuration: checked with the agent's own reader before it is written.</summary>
    public bool CheckAsAgentConfig { get; init; }

    public bool AppliesTo(StackConfig config) => OnlyWhen?.Invoke(config) ?? true;
}

/// <summary>A port a component listens on, and the stack key that sets it.</summary>
internal sealed record ComponentPort(string Key, Func<StackConfig, int> Of);

/// <summary>How a service shows it serves, checked on its host after each start; bounded by <see cref="Seconds"/>.</summary>
internal enum ProbeKind
{
    /// <summary><c>etcdctl endpoint health</c> on the local client port.</summary>
    EtcdHealth,

    /// <summary><c>etcdctl endpoint health</c> on the local client port over TLS, with the host's client certificate.</summary>
    EtcdHealthTls,

    /// <summary>An HTTP GET that answers 2xx (Patroni's REST API).</summary>
    HttpOk,

    /// <summary>Something listens on the TCP port.</summary>
    TcpListen,

    /// <summary>systemd says the unit is active.</summary>
    Active,
}

internal sealed record ReadinessProbe(ProbeKind Kind, string Target, int Seconds);

/// <summary>
/// How systemd brings a service back after it dies: its <c>Restart=</c> policy and the delay before each try.
/// There is never a start-rate limit: a crash-looping service keeps being retried, so it is never left dead for good.
/// </summary>
internal sealed record ServiceRecovery(string Restart, double DelaySeconds, string Why)
{
    public string DelayText => DelaySeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
}

/// <summary>
/// One thing HaStack runs on a host, said once: its systemd unit, its Debian packages, its files, its ports,
/// how it shows it is ready, where it keeps data, and the service names its packages would start on install.
/// Rendering, validation, the install guard, the resource graph and the engine all read this record.
/// </summary>
internal sealed record Component(
    string Name,
    string? Unit,
    Func<StackConfig, IReadOnlyList<string>> Packages,
    IReadOnlyList<ComponentFile> Files,
    IReadOnlyList<ComponentPort> Ports,
    Func<StackConfig, HostConfig, ReadinessProbe>? Readiness,
    Func<StackConfig, IReadOnlyList<string>> DataDirectories,
    IReadOnlyList<string> GuardedServices,
    ServiceRecovery? Recovery = null)
{
    /// <summary>What its service needs beyond its files on a host (etcd's membership, the agent's binary, ...).</summary>
    public Func<Graph.GraphScope, Topology.HostPlan, Graph.ServiceWiring>? Wiring { get; init; }

    /// <summary>Resources it brings once per stack before any host's (the cluster's CA and certificates).</summary>
    public Func<Graph.GraphScope, IEnumerable<Graph.Resource>>? BeforeHosts { get; init; }

    /// <summary>Resources it brings once per stack after every host's (Patroni's SQL setup and settings).</summary>
    public Func<Graph.GraphScope, IEnumerable<Graph.ClusterResource>>? AfterHosts { get; init; }

    /// <summary>Its sections of the model every template sees (<c>etcd</c>, <c>patroni</c>, <c>vip</c>, ...).</summary>
    public Func<Topology.ClusterTopology, Topology.HostPlan, IEnumerable<Rendering.ModelSection>>? Model { get; init; }

    /// <summary>When its files are read by every service on the host (TLS's, when the stack has TLS): each service waits for them.</summary>
    public Func<StackConfig, bool>? ReadByEveryService { get; init; }

    /// <summary>Its files on a host of <paramref name="config"/>'s stack.</summary>
    public IEnumerable<ComponentFile> FilesFor(StackConfig config) => Files.Where(f => f.AppliesTo(config));

    /// <summary>The files its service reads at start or on reload (install guards and scripts it runs afresh are not among them).</summary>
    public IEnumerable<ComponentFile> ServiceFilesFor(StackConfig config) => FilesFor(config).Where(f => f.Effect is FileEffect.Reload or FileEffect.Restart or FileEffect.None);
}
