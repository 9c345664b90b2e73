using System.Collections.Concurrent;
using System.Globalization;
using HaStack.Deploy.Reads;
using HaStack.Deploy.Remote;
using HaStack.Infra;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Status;

/// <summary>
/// Reads a deployed stack's <see cref="StackStatus"/> from its hosts, changing nothing: each source asked in
/// parallel, each read bounded by its script's timeout. A host or a service that cannot be read is named in
/// <see cref="StackStatus.Unreadable"/>, and the rest is still read.
/// </summary>
internal sealed class StatusReader(StackPlan plan, Func<string, IHostSession> session)
{
    private readonly ConcurrentQueue<string> unreadable = new();

    public StackStatus Read(string stack, IReadOnlyDictionary<string, string> lastProof)
    {
        IReadOnlyList<AgentView> agents = [];
        IReadOnlyList<ProxyServerView> proxies = [];
        IReadOnlyList<MemberView> members = [];
        IReadOnlyList<EtcdMemberView> etcd = [];
        IReadOnlyList<PoolView> pools = [];
        Parallel.Invoke(
            () => agents = Agents(),
            () => proxies = ProxyServers(),
            () => members = Members(),
            () => etcd = EtcdMembers(),
            () => pools = Pools());
        return new StackStatus(stack, plan.Config.Vip.Address, agents, proxies, members, etcd, pools, lastProof,
            unreadable.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The certificates state records (their end as the issuing <c>up</c> noted it; a malformed date is left out).</summary>
    public static IReadOnlyList<CertificateView> Certificates(HaStack.Deploy.State.StackState state) =>
        state.Resources.Where(r => r.Type == ResourceTypes.Certificate)
            .Select(r => (Inputs: (CertificateInputs)r.Spec, Ends: RecordedEnd(r)))
            .Where(c => c.Ends is not null)
            .Select(c => new CertificateView(c.Inputs.Host, c.Ends!.Value, c.Inputs.RenewDaysBefore))
            .OrderBy(c => c.NotAfter).ToList();

    /// <summary>When the cluster's CA ends, as the <c>up</c> that made or took it recorded; null when state has none.</summary>
    public static DateTimeOffset? AuthorityEnds(HaStack.Deploy.State.StackState state) =>
        state.Resources.Where(r => r.Type == ResourceTypes.CertificateAuthority).Select(RecordedEnd).FirstOrDefault(e => e is not null);

    private static DateTimeOffset? RecordedEnd(HaStack.Deploy.State.ResourceState resource) =>
        resource.Outputs.TryGetValue("notAfter", out var recorded) &&
        DateTimeOffset.TryParseExact(recorded, HaStack.Infra.Tls.CertificateRenewal.RecordedEndFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var ends) ? ends : null;

    private List<AgentView> Agents()
    {
        var config = plan.Config;
        return PerHost<AgentView>(plan.Topology.VrrpGroup.Select(m => m.Host.Name), host =>
        {
            var holds = false;
            var view = Try($"the VIP on {host}", () =>
            {
                holds = AgentReads.HoldsVip(session(host), config.Vip.Interface, config.Vip.Address);
                return session(host).ReadOrDefault(AgentReads.Status(host, config.Vip.StatusPort)) is { } status ? status with { HoldsVip = holds } : null;
            }, quiet: true);
            return [view ?? new AgentView(host, false, null, null, null, holds, null)];
        });
    }

    private List<ProxyServerView> ProxyServers() =>
        PerHost(plan.Topology.ProxyHosts.Select(h => h.Name), host =>
            Try($"HAProxy on {host}", () => session(host).Read(HaproxyReads.Servers(host, plan.Config.Haproxy.StatsPort))) ?? []);

    /// <summary>From the first database host whose Patroni answers: every host's Patroni reports the whole cluster.</summary>
    private IReadOnlyList<MemberView> Members()
    {
        foreach (var db in plan.Topology.DatabaseHosts)
        {
            var members = Try($"Patroni on {db.Name}", () => session(db.Name).ReadOrDefault(PatroniReads.Members(SqlTarget.Of(plan.Config, db))), quiet: true);
            if (members is not null)
                return members;
        }
        unreadable.Enqueue("Patroni: no database host's Patroni answered /cluster");
        return [];
    }

    private IReadOnlyList<EtcdMemberView> EtcdMembers()
    {
        foreach (var member in plan.Topology.EtcdMembers)
        {
            var members = Try($"etcd on {member.Name}", () => session(member.Name).Read(EtcdReads.Members(plan.Config.Etcd.ClientPort, plan.Config.Tls.Enabled)), quiet: true);
            if (members is { Count: > 0 })
                return members;
        }
        unreadable.Enqueue("etcd: no member answered");
        return [];
    }

    private List<PoolView> Pools()
    {
        var poolers = plan.Config.Hosts.Where(h => h.Has(plan.Config.PoolerRole)).Select(h => h.Name);
        return PerHost(poolers, host => Try($"PgBouncer on {host}", () => session(host).Read(PgBouncerReads.Pools(host, plan.Config.PgBouncer.Port))) ?? []);
    }

    private static List<T> PerHost<T>(IEnumerable<string> hosts, Func<string, IReadOnlyList<T>> read)
    {
        var list = hosts.ToList();
        var results = new IReadOnlyList<T>[list.Count];
        Parallel.For(0, list.Count, i => results[i] = read(list[i]));
        return results.SelectMany(r => r).ToList();
    }

    /// <summary>
    /// The read's result, or null when the host cannot be reached or what it printed is not what was asked; noted in
    /// <see cref="StackStatus.Unreadable"/> unless <paramref name="quiet"/> (the caller says it its own way).
    /// </summary>
    private T? Try<T>(string what, Func<T?> read, bool quiet = false) where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is RemoteCommandException or HostKeyMismatchException or FormatException or InvalidOperationException
                                      or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException)
        {
            if (!quiet)
                unreadable.Enqueue($"{what}: {e.Message}");
            return null;
        }
    }
}
