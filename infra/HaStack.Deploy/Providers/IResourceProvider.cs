using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>What a provider may use while it works: the plan, the secrets, one session per host, the log.</summary>
internal sealed class ApplyContext(StackPlan plan, SecretStore secrets, Func<string, IHostSession> session, Action<string> log, bool purgeData)
{
    public StackPlan Plan => plan;
    public SecretStore Secrets => secrets;
    public IHostSession Session(string host) => session(host);
    public void Log(string message) => log(message);
    public bool PurgeData => purgeData;

    /// <summary>The agent's native binary, read when an upload needs it.</summary>
    public Func<byte[]> AgentBinary { get; init; } = () => throw new InvalidOperationException("no agent binary at hand");

    /// <summary>Now, for what certificates are issued from and judged against; tests move it.</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;
}

/// <summary>
/// How one resource type is made real, from typed inputs alone: Apply creates or brings an existing one up to date
/// and returns what it observed; Delete undoes it from what was recorded (never the current stack); Drift says
/// how the host differs from what was applied (null: it does not). The scripts come from HostOperations.
/// </summary>
internal interface IResourceProvider
{
    IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change);

    void Delete(ApplyContext context, ResourceState recorded);

    string? Drift(ApplyContext context, ResourceState recorded);
}

internal static class Providers
{
    private static readonly Dictionary<string, IResourceProvider> ByType = new(StringComparer.Ordinal)
    {
        [ResourceTypes.Password] = new PasswordProvider(),
        [ResourceTypes.CertificateAuthority] = new CertificateAuthorityProvider(),
        [ResourceTypes.Certificate] = new CertificateProvider(),
        [ResourceTypes.Packages] = new PackagesProvider(),
        [ResourceTypes.File] = new FileProvider(),
        [ResourceTypes.AgentBinary] = new AgentBinaryProvider(),
        [ResourceTypes.Service] = new ServiceProvider(),
        [ResourceTypes.SqlSetup] = new SqlSetupProvider(),
        [ResourceTypes.PatroniConfig] = new PatroniConfigProvider(),
        [ResourceTypes.RollingRestart] = new RollingRestartProvider(),
        [ResourceTypes.Verification] = new VerificationProvider(),
        [ResourceTypes.AgentLeave] = new AgentLeaveProvider(),
        [ResourceTypes.Handover] = new HandoverProvider(),
        [ResourceTypes.EtcdJoin] = new EtcdJoinProvider(),
        [ResourceTypes.EtcdLeave] = new EtcdLeaveProvider(),
    };

    public static IResourceProvider For(string type) =>
        ByType.TryGetValue(type, out var provider) ? provider : throw new InvalidOperationException($"no provider for {type}");

    public static readonly IReadOnlyDictionary<string, string> NoOutputs = new Dictionary<string, string>();
}
