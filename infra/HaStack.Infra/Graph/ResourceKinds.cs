using System.Text.Json.Nodes;

namespace HaStack.Infra.Graph;

/// <summary>What a difference in inputs asks the engine to do.</summary>
internal enum ChangeKind
{
    Same,
    Update,

    /// <summary>Made anew: a password whose recipe changed is a new password.</summary>
    Replace,
}

/// <summary>
/// What each resource type is, beyond its inputs: how to read its recorded inputs back (checked like user input),
/// what a difference between recorded and desired inputs means (<see cref="Diff"/>), whether it runs again after any
/// other change, what a repaired dependency asks of it, whether applying it issues secrets anew (what carries them is
/// then written again). The planner
/// asks these and knows no type by name. A <see cref="Transient"/> kind is orchestration the planner derives from the
/// diff (a handover before a host leaves, an etcd member added before it starts): shown and run like any step, never
/// recorded, since what calls for it (the delete or create it prepares) is; its operation checks before it acts, so a
/// resumed up runs it again safely. <see cref="RunsFirst"/>: before any other step, one at a time.
/// </summary>
internal sealed record ResourceKind(
    string Type,
    Func<JsonObject, ResourceInputs> Parse,
    ChangeKind OnChange,
    bool OnHost,
    bool RerunsAfterAnyChange = false,
    Func<ResourceInputs, ResourceInputs, InputDiff?>? DiffAfterRepairOf = null,
    Func<IReadOnlyList<string>, string?>? NoteOnChange = null,
    bool IssuesSecrets = false,
    bool Transient = false,
    bool RunsFirst = false,
    Func<IReadOnlyList<InputChange>, ResourceInputs, ResourceInputs, ServiceEffect>? EffectOf = null)
{
    /// <summary>
    /// Recorded against desired: the same, or this kind's change (<see cref="OnChange"/>) with the inputs that differ
    /// and what the change asks of a running service. Both engines decide from it.
    /// </summary>
    public InputDiff Diff(ResourceInputs recorded, ResourceInputs desired)
    {
        var changes = InputDiff.Between(recorded.ToJson(), desired.ToJson());
        return changes.Count == 0 ? InputDiff.Same : new InputDiff(OnChange, changes, EffectOf?.Invoke(changes, recorded, desired) ?? ServiceEffect.None);
    }
}

internal static class ResourceKinds
{
    public static readonly IReadOnlyDictionary<string, ResourceKind> ByType = new[]
    {
        new ResourceKind(ResourceTypes.Password, PasswordInputs.Parse, ChangeKind.Replace, OnHost: false, IssuesSecrets: true),
        // another CA, other names or a certificate near its end: a new certificate with a new key
        new ResourceKind(ResourceTypes.CertificateAuthority, AuthorityInputs.Parse, ChangeKind.Replace, OnHost: false, IssuesSecrets: true),
        new ResourceKind(ResourceTypes.Certificate, CertificateInputs.Parse, ChangeKind.Replace, OnHost: false, IssuesSecrets: true),
        new ResourceKind(ResourceTypes.Packages, PackagesInputs.Parse, ChangeKind.Update, OnHost: true),
        new ResourceKind(ResourceTypes.File, FileInputs.Parse, ChangeKind.Update, OnHost: true),
        new ResourceKind(ResourceTypes.AgentBinary, AgentBinaryInputs.Parse, ChangeKind.Update, OnHost: true),
        // a file repaired after drift changes nothing in the graph, but the service that read the hand-edited copy
        // must read the repaired one: its read of that file counts as changed
        new ResourceKind(ResourceTypes.Service, ServiceInputs.Parse, ChangeKind.Update, OnHost: true,
            DiffAfterRepairOf: (self, repaired) => repaired is FileInputs file ? ((ServiceInputs)self).DiffAfterRepairOf(file.Path) : null,
            EffectOf: (changes, recorded, desired) => ServiceInputs.EffectOf(changes, (ServiceInputs)recorded, (ServiceInputs)desired)),
        new ResourceKind(ResourceTypes.SqlSetup, SqlSetupInputs.Parse, ChangeKind.Update, OnHost: false),
        new ResourceKind(ResourceTypes.PatroniConfig, PatroniConfigInputs.Parse, ChangeKind.Update, OnHost: false),
        // a setting PostgreSQL takes only at a restart: the preview says the members restart in turn
        new ResourceKind(ResourceTypes.RollingRestart, RollingRestartInputs.Parse, ChangeKind.Update, OnHost: false,
            NoteOnChange: Topology.PostgresRestartSettings.RestartNote),
        // the proof of a deployment: it runs again whenever anything else changes, and not on a no-op up
        new ResourceKind(ResourceTypes.Verification, VerificationInputs.Parse, ChangeKind.Update, OnHost: false, RerunsAfterAnyChange: true),
        // before the staying hosts' configurations drop a leaving host: its agent stops while the others still count it
        // as a peer; the primary moves to a member that stays; its etcd member is removed through the others
        new ResourceKind(ResourceTypes.AgentLeave, AgentLeaveInputs.Parse, ChangeKind.Update, OnHost: true, Transient: true, RunsFirst: true),
        new ResourceKind(ResourceTypes.Handover, HandoverInputs.Parse, ChangeKind.Update, OnHost: false, Transient: true, RunsFirst: true),
        new ResourceKind(ResourceTypes.EtcdLeave, EtcdLeaveInputs.Parse, ChangeKind.Update, OnHost: true, Transient: true, RunsFirst: true),
        // just before a joining member's first start (its service waits for it)
        new ResourceKind(ResourceTypes.EtcdJoin, EtcdJoinInputs.Parse, ChangeKind.Update, OnHost: true, Transient: true),
    }.ToDictionary(k => k.Type, StringComparer.Ordinal);

    public static ResourceKind Of(string type) =>
        ByType.TryGetValue(type, out var kind) ? kind : throw new InvalidInputException("type", $"'{type}' is not a HaStack resource type");
}
