using System.Globalization;
using HaStack.Infra.Config;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Graph;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>etcd's membership: one change at a time, through the other members, never below quorum.</summary>
internal static partial class HostOperations
{
    /// <summary>etcdctl against the other members of <paramref name="member"/>'s cluster (none: an empty list).</summary>
    private static string EtcdOthersText(EtcdMembership member) => $$"""
        export {{EtcdctlVariables(member.Tls)}}
        others={{Quote(string.Join(",", member.Others.Select(m => m.ClientUrl)))}}
        peer={{Quote(member.Self.PeerUrl)}}
        name={{Quote(member.Name)}}
        etcd_others() { etcdctl --endpoints="$others" --dial-timeout=2s --command-timeout=5s "$@"; }
        # ID, status, name, peer URLs, client URLs, learner: one member a line
        members=$([ -z "$others" ] || etcd_others member list 2>/dev/null || true)
        mine=$(printf '%s\n' "$members" | awk -F', ' -v p="$peer" '$4 == p { print $1 }')
        """;

    /// <summary>
    /// A member added to the running cluster (the variables of <see cref="EtcdOthersText"/> and <c>data</c> set): a data
    /// directory of an earlier membership is kept aside; no member may be pending (added, never started), and every
    /// member must be healthy, since the new one counts against the quorum before it has started.
    /// </summary>
    private const string EtcdAddText = """
        if [ -d "$data/member" ]; then
          mv -- "$data" "$data.left-$(date +%Y%m%d%H%M%S)"
          echo "etcd: the data directory of an earlier membership is kept aside as $data.left-*" >&2
        fi
        pending=$(printf '%s\n' "$members" | awk -F', ' '$2 == "unstarted" { print $4 }')
        if [ -n "$pending" ]; then
          echo "etcd: member $pending was added but never started; start it or remove it (etcdctl member remove) before another joins" >&2
          exit 1
        fi
        if ! health=$(etcd_others endpoint health --cluster 2>&1); then
          echo "etcd: not every member is healthy, and one more member now could cost the cluster its quorum; bring them back first:" >&2
          printf '%s\n' "$health" >&2
          exit 1
        fi
        etcd_others member add "$name" --peer-urls="$peer" >/dev/null
        """;

    /// <summary>
    /// Before an etcd member starts: with no other member answering, the stack's members start a new cluster
    /// together; in a running cluster the member starts as one of it. Its join step added it already
    /// (<see cref="JoinEtcd"/>); a member found missing here (removed outside HaStack) is added the same way. etcd reads what this writes only while its data directory is empty; a
    /// data directory left from an earlier membership cannot rejoin, so it is kept aside.
    /// </summary>
    private static string EtcdJoinText(EtcdMembership member, string dataDirectory) => $$"""
        {{EtcdOthersText(member)}}
        data={{Quote(dataDirectory)}}
        join={{Quote(Components.EtcdJoinEnvironmentPath)}}
        if [ -z "$members" ]; then
          [ -d "$data/member" ] || printf 'ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_STATE=new\n' {{Quote(string.Join(",", member.Cluster.Select(m => $"{m.Name}={m.PeerUrl}")))}} > "$join"
        elif [ -z "$mine" ] || [ ! -d "$data/member" ]; then
          if [ -z "$mine" ]; then
            {{EtcdAddText.Replace("\n", "\n    ", StringComparison.Ordinal)}}
            members=$(etcd_others member list)
          fi
          # a member that has not started yet has no name in etcd's list: the stack's name for its peer URL
          initial=$(printf '%s\n' "$members" | awk -F', ' -v known={{Quote(string.Join(" ", member.Cluster.Select(m => $"{m.Name}={m.PeerUrl}")))}} '
            BEGIN { n = split(known, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[2]] = kv[1] } }
            { printf "%s%s=%s", sep, ($3 != "" ? $3 : name[$4]), $4; sep = "," }')
          printf 'ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_STATE=existing\n' "$initial" > "$join"
        fi
        """;

    /// <summary>
    /// An etcd member joining a running cluster, just before its first start: added through the others unless it is
    /// one already (a resumed up), so its start finds itself in the member list. With no other member answering, the
    /// stack's members start a new cluster together, and there is nothing to add.
    /// </summary>
    public static HostScript JoinEtcd(EtcdJoinInputs joining) => new($"adding {joining.Member.Name} to etcd's members", $$"""
        set -e
        {{EtcdOthersText(joining.Member)}}
        data={{Quote(joining.DataDirectory)}}
        if [ -n "$members" ] && [ -z "$mine" ]; then
          {{EtcdAddText.Replace("\n", "\n  ", StringComparison.Ordinal)}}
        fi
        """) { Kind = HostOperationKind.EtcdJoin, Subject = joining.Member.Name };

    /// <summary>
    /// An etcd member leaving a cluster that goes on without it: removed through the others (if what stays keeps a
    /// quorum of healthy members), then stopped, since a removed member's etcd exits and would be restarted for
    /// nothing. Not part of the service's delete: destroy takes every member down and keeps the cluster's data whole.
    /// </summary>
    public static HostScript LeaveEtcd(EtcdMembership member) => new($"removing {member.Name} from etcd's members", $$"""
        {{EtcdOthersText(member)}}
        if [ -n "$mine" ]; then
          remaining=$(( $(printf '%s\n' "$members" | grep -c .) - 1 ))
          healthy=$(etcd_others endpoint health 2>&1 | grep -c 'is healthy' || true)
          if [ "$healthy" -lt $(( remaining / 2 + 1 )) ]; then
            echo "etcd: removing $name would leave $healthy healthy of $remaining members, below the quorum of $(( remaining / 2 + 1 )); bring members back first" >&2
            exit 1
          fi
          etcd_others member remove "$mine" >/dev/null || { echo "etcd: $name could not be removed from the cluster; it keeps running" >&2; exit 1; }
        fi
        systemctl stop etcd
        """) { Kind = HostOperationKind.EtcdLeave, Subject = member.Name };

    /// <summary>
    /// Every etcd member's status and health as etcdctl reports them (two JSON documents, a line each), asked through
    /// this host's member; a member that does not answer is left out of the status and reported unhealthy.
    /// </summary>
    public static HostScript EtcdMembersStatus(int clientPort, bool tls)
    {
        var endpoint = Quote($"{TlsSettings.UrlScheme(tls)}://127.0.0.1:{clientPort.ToString(CultureInfo.InvariantCulture)}");
        return new("reading etcd's members", $$"""
            export {{EtcdctlVariables(tls)}}
            status=$(etcdctl --endpoints={{endpoint}} --command-timeout=3s endpoint status --cluster -w json 2>/dev/null | head -n 1)
            echo "${status:-[]}"
            health=$(etcdctl --endpoints={{endpoint}} --command-timeout=3s endpoint health --cluster -w json 2>/dev/null | head -n 1)
            echo "${health:-[]}"
            """, TimeoutSeconds: 20);
    }

    /// <summary>
    /// The variables etcdctl reads (as <c>NAME=VALUE ...</c>, to prefix a command or follow <c>export</c>): the v3 API,
    /// and with TLS the cluster's CA and the host's certificate and key, root's copy (HaStack's commands run as root).
    /// </summary>
    public static string EtcdctlVariables(bool tls) => tls
        ? $"ETCDCTL_API=3 ETCDCTL_CACERT={Quote(Components.TlsCaPath)} ETCDCTL_CERT={Quote(Components.TlsCertificatePath)} ETCDCTL_KEY={Quote(Components.TlsKeyPath)}"
        : "ETCDCTL_API=3";
}
