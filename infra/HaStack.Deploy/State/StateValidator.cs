using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.State;

/// <summary>The state file is not what HaStack writes: where, and what is wrong. Nothing was done on any host.</summary>
internal sealed class StateFileException(string path, string problem, bool unauthenticated = false) : Exception($"{path}: {problem}")
{
    public string Problem { get; } = problem;

    /// <summary>The state is otherwise readable but carries no authentication code: one an earlier HaStack wrote, which the operator may adopt.</summary>
    public bool Unauthenticated { get; } = unauthenticated;
}

/// <summary>
/// State read from disk is checked like user input before anything uses it: its shape, every resource's type,
/// id and inputs (each type's own parser, the same rules the graph's values obey), the hosts it reached, the
/// sealed secrets and outputs. A value that passes could have come from HaStack; nothing else reaches a host.
/// </summary>
internal static class StateValidator
{
    /// <exception cref="StateFileException">the first problem found</exception>
    public static void Validate(StackState state, string path, string project, string stack)
    {
        StateFileException Fail(string problem) => new(path, problem + "; fix: restore the file from a backup, or move it away to start over (HaStack then deploys as if nothing were there)");

        if (state.Version is not (1 or StackState.CurrentVersion))
            throw Fail($"version {state.Version} is not a state version this HaStack reads (1 or {StackState.CurrentVersion})");
        if (state.Project != project || state.Stack != stack)
            throw Fail($"it is the state of {TextRules.Printable(state.Project)}/{TextRules.Printable(state.Stack)}, not of {project}/{stack}");
        if (state.EncryptionSalt is { } salt && !IsSealed(salt))
            throw Fail("encryptionSalt is not a v1 salt");
        if (state.Resources is null || state.Secrets is null || state.Outputs is null || state.Hosts is null)
            throw Fail("a top-level list or map is null");
        if (state.Resources.Count > MaxResources)
            throw Fail($"records {state.Resources.Count} resources; the largest stack HaStack deploys ({StackValidator.MaxHosts} hosts, {StackValidator.MaxUsers} users) has at most {MaxResources}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < state.Resources!.Count; i++)
        {
            var r = state.Resources[i];
            var at = $"resources[{i}]";
            if (r is null)
                throw Fail($"{at} is null");
            if (!ResourceKinds.ByType.TryGetValue(r!.Type ?? "", out var kind))
                throw Fail($"{at}.type '{TextRules.Printable(r.Type ?? "")}' is not a HaStack resource type");
            if (kind!.Transient)
                throw Fail($"{at}.type '{r.Type}' is orchestration, which HaStack never records");
            if (r.Name is null || r.Id is null || r.Id != $"{r.Type}::{r.Name}" || TextRules.Check(r.Name) is not null)
                throw Fail($"{at}.id '{TextRules.Printable(r.Id ?? "")}' is not its type and name");
            var name = r.Name;
            if (!ids.Add(r.Id))
                throw Fail($"{at}.id '{TextRules.Printable(r.Id)}' appears twice");
            if (kind!.OnHost != (r.Host is not null) || (r.Host is not null && !Names.HostName().IsMatch(r.Host)))
                throw Fail($"{at}.host '{TextRules.Printable(r.Host ?? "null")}' is not a host name where its type needs one");
            var wholeHost = r.Type is ResourceTypes.Packages or ResourceTypes.AgentBinary;
            if (kind.OnHost && (wholeHost ? r.Name != r.Host : !r.Name.StartsWith(r.Host + ":", StringComparison.Ordinal)))
                throw Fail($"{at}.name '{TextRules.Printable(r.Name)}' does not belong to host {r.Host}");
            if (r.Host is not null && !state.Hosts!.ContainsKey(r.Host))
                throw Fail($"{at}.host '{r.Host}' has no connection record under hosts");
            if (r.DependsOn is null || r.Inputs is null || r.Outputs is null || r.DependsOn.Any(d => d is null || TextRules.Check(d) is not null))
                throw Fail($"{at} has a missing or malformed dependsOn, inputs or outputs");
            if (r.Outputs!.Any(o => o.Value is null || TextRules.Check(o.Key) is not null))
                throw Fail($"{at}.outputs holds a malformed entry");
            if (r.SecretVersions is not null && r.SecretVersions.Any(v => !Names.SecretName().IsMatch(v.Key) || !IsSecretVersion(v.Value)))
                throw Fail($"{at}.secretVersions holds a malformed entry");
            try
            {
                if (state.Version == 1)
                {
                    // version 1's strings become this version's JSON, its hash checked first (StateMigration)
                    r.Inputs = StateMigration.InputsOfVersion1(r.Type!, r.Name, r.InputHash ?? "", r.Inputs!)
                        ?? throw Fail($"{at}.inputHash does not match its inputs (they were changed by hand)");
                    r.InputHash = Resource.HashOf(r.Type!, r.Name, r.Inputs);
                }
                if (r.InputHash is null || r.InputHash != Resource.HashOf(r.Type!, r.Name, r.Inputs!))
                    throw Fail($"{at}.inputHash does not match its inputs (they were changed by hand)");
                r.Spec = kind.Parse(r.Inputs!);
            }
            catch (InvalidInputException e)
            {
                throw Fail($"{at} ({TextRules.Printable(r.Id)}): {e.Message}");
            }
            if (r.Type == ResourceTypes.File && r.Name != $"{r.Host}:{((FileInputs)r.Spec).Path}")
                throw Fail($"{at}.name '{TextRules.Printable(r.Name)}' is not its host and path");
            if (r.Type == ResourceTypes.Service && r.Name != $"{r.Host}:{((ServiceInputs)r.Spec).Unit}")
                throw Fail($"{at}.name '{TextRules.Printable(r.Name)}' is not its host and unit");
            if (WrittenByHaStack(r.Spec) is { } foreign)
                throw Fail($"{at} ({TextRules.Printable(r.Id)}): {foreign}");
        }
        foreach (var (name, host) in state.Hosts!)
        {
            if (!Names.HostName().IsMatch(name) || host is null || !StackValidator.IsIpv4(host.Address ?? "") || host.SshPort is < 0 or > 65535 ||
                (host.SshUser is not null && !Names.UnixUser().IsMatch(host.SshUser)) || (host.HostKey is not null && !Names.HostKey().IsMatch(host.HostKey)))
                throw Fail($"hosts.{TextRules.Printable(name)} is not a host name with an IPv4 address, a port, a login name and a host key as the stack file allows");
            if (host.Release is { } release && DebianReleases.ByNumber(release) is null)
                throw Fail($"hosts.{TextRules.Printable(name)}.release {release} is not a Debian release HaStack deploys onto ({DebianReleases.Known})");
        }
        foreach (var (name, value) in state.Secrets!)
        {
            if (!Names.SecretName().IsMatch(name) || value is null || !IsSealed(value))
                throw Fail($"secrets.{TextRules.Printable(name)} is not a secret name with a v1 ciphertext");
        }
        foreach (var (name, value) in state.Outputs!)
        {
            if (TextRules.Check(name) is not null || value?.Value is null || (value.Secret && !IsSealed(value.Value)))
                throw Fail($"outputs.{TextRules.Printable(name)} is malformed");
        }
        // a connection record no resource uses is left over from a run that stopped early: nothing is done there, so
        // it is not kept (and no host is ever reached through a record alone)
        foreach (var unused in state.Hosts!.Keys.Where(h => !state.Resources.Any(r => r.Host == h)).ToList())
            state.Hosts.Remove(unused);
        state.Version = StackState.CurrentVersion;
    }

    /// <summary>
    /// The most resources a state can hold: per host, each catalogue file and service, its packages, agent binary and
    /// certificate; per cluster, the generated passwords, one per user, the CA, the SQL setup, Patroni's settings, the
    /// rolling restart and the proof.
    /// </summary>
    public static readonly int MaxResources =
        StackValidator.MaxHosts * (Components.All.Sum(c => c.Files.Count + (c.Unit is null ? 0 : 1)) + 3) +
        Infra.Rendering.SecretNames.Generated.Count + StackValidator.MaxUsers + 5;

    /// <summary>
    /// Why a recorded resource is not one HaStack could have written, or null: a delete works from what state recorded,
    /// so a file, unit, binary or data directory outside the component catalogue must never reach one.
    /// </summary>
    internal static string? WrittenByHaStack(ResourceInputs spec) => spec switch
    {
        FileInputs file when !CatalogueFiles.Contains(file.Path) =>
            $"path '{TextRules.Printable(file.Path)}' is not a file any HaStack component writes",
        AgentBinaryInputs binary when binary.Path != Components.AgentBinaryPath =>
            $"path '{TextRules.Printable(binary.Path)}' is not where HaStack puts the agent ({Components.AgentBinaryPath})",
        ServiceInputs service when Components.All.FirstOrDefault(c => c.Unit == service.Unit) is not { } component =>
            $"unit '{TextRules.Printable(service.Unit)}' is not a service any HaStack component runs",
        ServiceInputs service when service.DataDirectories.FirstOrDefault(d => !IsDataDirectoryOf(service.Unit, d)) is { } data =>
            $"data directory '{TextRules.Printable(data)}' is not one the {service.Unit} service keeps",
        _ => null,
    };

    private static readonly HashSet<string> CatalogueFiles =
        Components.All.SelectMany(c => c.Files).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);

    /// <summary>What the catalogue makes for a unit: PostgreSQL's directory for a release HaStack knows, or etcd's for a scope.</summary>
    private static bool IsDataDirectoryOf(string unit, string directory)
    {
        if (unit == Components.Postgres.Unit)
            return Enumerable.Range(StackValidator.MinPostgresVersion, StackValidator.MaxPostgresVersion - StackValidator.MinPostgresVersion + 1)
                .Any(version => directory == Components.PostgresDataDirectory(version));
        if (unit == Components.Etcd.Unit)
            return directory.StartsWith(Components.EtcdDataRoot, StringComparison.Ordinal) && Names.Scope().IsMatch(directory[Components.EtcdDataRoot.Length..]);
        return false;
    }

    /// <summary>Pulumi's v1 form: v1:BASE64:BASE64 (a secret) or v1:BASE64:v1:BASE64:BASE64 (a salt).</summary>
    private static bool IsSealed(string text)
    {
        var parts = text.Split(':');
        return parts.Length is 3 or 5 && parts[0] == "v1" && parts.Skip(1).All(p => p == "v1" || IsBase64(p));
    }

    /// <summary>A secret's version as <see cref="Infra.Stack.PassphraseCrypter.Fingerprint"/> writes it: v1: and 32 lowercase hex digits.</summary>
    private static bool IsSecretVersion(string? text) =>
        text is { Length: 35 } && text.StartsWith("v1:", StringComparison.Ordinal) && text[3..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static bool IsBase64(string text) => text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);
}
