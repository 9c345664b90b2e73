using HaStack.Infra.Graph;

namespace HaStack.Infra.Operations;

/// <summary>
/// A resource's operations as scripts, from its typed inputs alone: what create, update, delete and read-back run
/// on its host. Both engines take them from here, so they run the same text. Null: the operation does nothing on a
/// host (packages stay on delete; passwords and the proof are not host operations).
/// </summary>
internal sealed record ResourceScripts(
    HostScript? Create,
    Func<ServiceEffect, HostScript?> Update,
    HostScript? Delete,
    HostScript? DeleteWithData,
    HostScript? Read)
{
    public static readonly ResourceScripts None = new(null, _ => null, null, null, null);
}

internal static class ResourceOperations
{
    public static ResourceScripts Of(ResourceInputs inputs) => inputs switch
    {
        FileInputs file => Same(HostOperations.WriteFile(file), HostOperations.RemoveFile(file), HostOperations.Sha256Of(file.Path)),
        AgentBinaryInputs binary => Same(HostOperations.WriteAgentBinary(binary), HostOperations.RemoveFile(binary.Path), HostOperations.Sha256Of(binary.Path)),
        PackagesInputs packages => Same(HostOperations.InstallPackages(packages), null, HostOperations.QueryPackages(packages)),
        ServiceInputs service => new ResourceScripts(
            HostOperations.StartService(service, ServiceEffect.Restart),
            effect => HostOperations.StartService(service, effect),
            HostOperations.StopService(service, purgeData: false),
            HostOperations.StopService(service, purgeData: true),
            HostOperations.ServiceState(service.Unit)),
        // run on whichever target is the primary (HostOperations.IsPrimary finds it)
        SqlSetupInputs => Same(HostOperations.RunSql(), null, null),
        // through the first database host's REST API (the embedded engine tries each in turn); Patroni stores it for all
        PatroniConfigInputs dcs => Same(HostOperations.PutPatroniConfig(dcs.Targets[0]), null, HostOperations.ReadPatroniConfig(dcs.Targets[0])),
        // orchestration steps with one host operation; a handover and a rolling restart take several, on several hosts
        AgentLeaveInputs agent => Same(HostOperations.Systemctl("stop", agent.Unit), null, null),
        EtcdJoinInputs join => Same(HostOperations.JoinEtcd(join), null, null),
        EtcdLeaveInputs leave => Same(HostOperations.LeaveEtcd(leave.Member), null, null),
        _ => ResourceScripts.None,
    };

    private static ResourceScripts Same(HostScript apply, HostScript? delete, HostScript? read) => new(apply, _ => apply, delete, delete, read);
}
