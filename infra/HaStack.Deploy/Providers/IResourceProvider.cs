using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>What a provider may use while it works: the plan, the secrets, one SSH session per host, the log.</summary>
public sealed class ApplyContext(StackPlan plan, SecretStore secrets, Func<string, HostSession> session, Action<string> log, bool purgeData)
{
    public StackPlan Plan => plan;
    public SecretStore Secrets => secrets;
    public HostSession Session(string host) => session(host);
    public void Log(string message) => log(message);
    public bool PurgeData => purgeData;
    public string AgentBinaryPath { get; init; } = "";
}

/// <summary>
/// How one resource type is made real. Apply creates or brings an existing one up to date and returns what it
/// observed; Delete undoes it; Drift says how the host differs from what was applied (null: it does not).
/// </summary>
public interface IResourceProvider
{
    /// <param name="changedKeys">the inputs the plan found changed ("drift" when the host no longer matched)</param>
    IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys);

    void Delete(ApplyContext context, ResourceState recorded);

    string? Drift(ApplyContext context, ResourceState recorded);
}

public static class Providers
{
    private static readonly Dictionary<string, IResourceProvider> ByType = new(StringComparer.Ordinal)
    {
        [ResourceTypes.Password] = new PasswordProvider(),
        [ResourceTypes.Packages] = new PackagesProvider(),
        [ResourceTypes.File] = new FileProvider(),
        [ResourceTypes.AgentBinary] = new AgentBinaryProvider(),
        [ResourceTypes.Service] = new ServiceProvider(),
        [ResourceTypes.SqlSetup] = new SqlSetupProvider(),
        [ResourceTypes.Verification] = new VerificationProvider(),
    };

    public static IResourceProvider For(string type) =>
        ByType.TryGetValue(type, out var provider) ? provider : throw new InvalidOperationException($"no provider for {type}");

    public static readonly IReadOnlyDictionary<string, string> NoOutputs = new Dictionary<string, string>();
}
