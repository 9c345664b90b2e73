using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;

namespace HaStack.Infra.Graph;

/// <summary>
/// A leaving VIP host's agent, stopped before the staying agents drop it from their peers. Only the last of the leaving
/// agents (<paramref name="ChecksHolder"/>) then checks that the VIP is on one staying host: while another leaving agent
/// still runs, the VIP may rightly be on it.
/// </summary>
internal sealed record AgentLeaveInputs(string Unit, bool ChecksHolder) : ResourceInputs
{
    public static AgentLeaveInputs Agent(bool checksHolder) => new(Components.Agent.Unit!, checksHolder);

    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("unit", Unit), ("checksHolder", ChecksHolder ? "true" : "false"));

    public static AgentLeaveInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "unit" or "checksHolder");
        if (Required(inputs, "unit") != Components.Agent.Unit)
            throw new InvalidInputException("unit", $"is not {Components.Agent.Unit}");
        return Required(inputs, "checksHolder") switch
        {
            "true" => Agent(true),
            "false" => Agent(false),
            var other => throw new InvalidInputException("checksHolder", $"is '{other}', not true or false"),
        };
    }
}

/// <summary>
/// The database members that leave the stack (or their db role), with the REST address each was reached at: if one
/// of them holds the primary when the step runs, a member that stays takes over first.
/// </summary>
internal sealed record HandoverInputs(IReadOnlyList<SqlTarget> Leaving) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("leaving", SqlSetupInputs.TargetsText(Leaving)));

    public static HandoverInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k == "leaving");
        return new HandoverInputs(SqlSetupInputs.ParseTargets(Required(inputs, "leaving")));
    }
}

/// <summary>An etcd member joining a running cluster: added through the others before its first start.</summary>
internal sealed record EtcdJoinInputs(EtcdMembership Member, string DataDirectory) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() =>
        Map(("etcdMember", Member.Name), ("etcdCluster", Member.ClusterText), ("data", DataDirectory));

    public static EtcdJoinInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "etcdMember" or "etcdCluster" or "data");
        var data = Required(inputs, "data");
        if (!ServiceInputs.IsDataDirectory(data) || !data.StartsWith(Components.EtcdDataRoot, StringComparison.Ordinal))
            throw new InvalidInputException("data", $"'{TextRules.Printable(data)}' is not an etcd data directory HaStack makes");
        return new EtcdJoinInputs(EtcdMembership.Parse(Required(inputs, "etcdMember"), Required(inputs, "etcdCluster")), data);
    }
}

/// <summary>An etcd member leaving a cluster that goes on: removed through the others, then stopped, before its service is.</summary>
internal sealed record EtcdLeaveInputs(EtcdMembership Member) : ResourceInputs
{
    public override IReadOnlyDictionary<string, string> ToInputs() => Map(("etcdMember", Member.Name), ("etcdCluster", Member.ClusterText));

    public static EtcdLeaveInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k is "etcdMember" or "etcdCluster");
        return new EtcdLeaveInputs(EtcdMembership.Parse(Required(inputs, "etcdMember"), Required(inputs, "etcdCluster")));
    }
}

/// <summary>
/// The PostgreSQL settings of Patroni's dynamic configuration that take effect only at a restart
/// (<see cref="PostgresRestartSettings"/>), under the same <c>setting:PATH</c> keys: when one changes, the members
/// waiting for a restart restart in turn. Recorded like any resource, so a restart that failed is rolled by the next up.
/// </summary>
internal sealed record RollingRestartInputs(IReadOnlyList<DcsSetting> Settings) : ResourceInputs
{
    /// <summary>The restart-only parameters among <paramref name="dynamicConfig"/>.</summary>
    public static RollingRestartInputs Of(IReadOnlyList<DcsSetting> dynamicConfig)
    {
        var prefix = PatroniDynamicConfig.ParametersSection + DcsSetting.Separator;
        return new RollingRestartInputs(dynamicConfig
            .Where(s => s.Path.StartsWith(prefix, StringComparison.Ordinal) && PostgresRestartSettings.Names.Contains(s.Path[prefix.Length..])).ToList());
    }

    public override IReadOnlyDictionary<string, string> ToInputs()
    {
        var map = Map();
        foreach (var setting in Settings)
            map[PatroniConfigInputs.SettingPrefix + setting.Path] = setting.Json;
        return map;
    }

    public static RollingRestartInputs Parse(IReadOnlyDictionary<string, string> inputs)
    {
        OnlyKeys(inputs, k => k.StartsWith(PatroniConfigInputs.SettingPrefix, StringComparison.Ordinal));
        var settings = PatroniConfigInputs.ParseSettings(inputs);
        var parsed = Of(settings);
        return parsed.Settings.Count == settings.Count ? parsed
            : throw new InvalidInputException("setting", "names a setting PostgreSQL takes without a restart");
    }
}
