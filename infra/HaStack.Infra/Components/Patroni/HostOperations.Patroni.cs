using System.Globalization;
using System.Text.Json.Nodes;
using HaStack.Infra.Graph;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>
/// Patroni's REST API, each read or call one <see cref="HttpCall"/> made on a host (<see cref="Http"/>); the REST
/// password always on standard input. What a read prints is parsed by <see cref="PatroniReplies"/>.
/// </summary>
internal static partial class HostOperations
{
    private const string PatroniUser = "patroni";

    /// <summary>Patroni's /cluster as its REST API gives it: every member's name, role, state, timeline, lag and pending restart.</summary>
    public static HostScript PatroniCluster(SqlTarget target) => HttpGet("reading Patroni's members", target.Url("/cluster")) with { Kind = HostOperationKind.PatroniMembers };

    /// <summary>
    /// Patroni's /patroni on the primary at <paramref name="target"/>: its replication as pg_stat_replication has it
    /// (<see cref="PatroniReplies.SynchronousStandbys"/>); what /cluster calls sync_standby is only what etcd says.
    /// </summary>
    public static HostScript PatroniSynchronousStandbys(SqlTarget target) => HttpGet("reading the primary's synchronous standbys", target.Url("/patroni")) with { Kind = HostOperationKind.PatroniSynchronousStandbys };


    /// <summary>Patroni's dynamic configuration as the cluster has it now (GET /config), as JSON.</summary>
    public static HostScript ReadPatroniConfig(SqlTarget target) =>
        Http("reading Patroni's dynamic configuration", HttpCall.Get(target.Url("/config"), timeoutSeconds: 5)) with { Kind = HostOperationKind.PatroniConfigRead };

    /// <summary>
    /// A planned switchover through Patroni's REST API (POST /switchover), from <paramref name="leader"/> to
    /// <paramref name="candidate"/>; the REST password comes on standard input, never on a command line.
    /// </summary>
    public static HostScript Switchover(SqlTarget target, string leader, string candidate) =>
        PatroniPost($"switching over from {leader} to {candidate}", target.Url("/switchover"),
            new JsonObject { ["leader"] = leader, ["candidate"] = candidate }, "the switchover", 60) with { Kind = HostOperationKind.PatroniSwitchover, Subject = candidate };

    /// <summary>
    /// PostgreSQL restarted by the Patroni at <paramref name="target"/> (POST /restart), only if a setting waits for
    /// it (<c>restart_pending</c>); Patroni answers once PostgreSQL is back. The REST password on standard input.
    /// </summary>
    public static HostScript PatroniRestart(SqlTarget target) =>
        PatroniPost($"restarting PostgreSQL on {target.Host}", target.Url("/restart"), new JsonObject { ["restart_pending"] = true }, "the restart", 120) with { Kind = HostOperationKind.PatroniRestart, Subject = target.Host };

    /// <summary>
    /// Patroni's dynamic configuration replaced as a whole (PUT /config: a setting the stack no longer has goes too),
    /// through the REST API at <paramref name="target"/>, which stores it in etcd for every member. Standard input:
    /// the REST password on the first line, the configuration as JSON after it.
    /// </summary>
    public static HostScript PutPatroniConfig(SqlTarget target) =>
        Http("writing Patroni's dynamic configuration", PutConfigCall(target), PutConfigSeconds) with { Kind = HostOperationKind.PatroniConfigWrite };

    private const int PutConfigSeconds = 45;

    private static HttpCall PutConfigCall(SqlTarget target) =>
        new("PUT", target.Url("/config"), 30, PatroniUser, HttpSecrets.PasswordThenBody, Refused: "Patroni refused the configuration");

    /// <summary>
    /// <see cref="PutPatroniConfig"/> through each database host's REST API in turn, from one host, until one takes it:
    /// the Pulumi program's form (one resource, one connection), where the embedded engine tries each host itself.
    /// Standard input is read once into the shell (the password never reaches a command line) and given to each try.
    /// </summary>
    public static HostScript PutPatroniConfigThroughAny(IReadOnlyList<SqlTarget> targets)
    {
        var text = HttpFunctionText + "\nrequest=$(cat) || exit 1\n" +
            string.Concat(targets.Select(t => $"printf '%s\\n' \"$request\" | {HttpCommand(PutConfigCall(t))} && exit 0\n")) +
            "echo 'no database host took the configuration' >&2\nexit 1";
        return new HostScript("writing Patroni's dynamic configuration through any database host", text, ScriptInput.Content, PutConfigSeconds * targets.Count)
        {
            Kind = HostOperationKind.PatroniConfigWrite,
        };
    }

    /// <summary>A POST to Patroni's REST API with Basic authentication, the password on standard input; prints Patroni's answer.</summary>
    private static HostScript PatroniPost(string what, string url, JsonObject body, string refused, int seconds) =>
        Http(what, new HttpCall("POST", url, seconds, PatroniUser, HttpSecrets.Password, body, $"Patroni refused {refused}"), seconds + 30);

    /// <summary>Exits 0 on the host whose Patroni holds the leader lock (/primary answers 200).</summary>
    public static HostScript IsPrimary(SqlTarget target) =>
        Http($"asking {target.Host} for the primary", PrimaryCall(target), 300) with { Kind = HostOperationKind.FindPrimary, Subject = target.Host };

    private static HttpCall PrimaryCall(SqlTarget target) => HttpCall.Get(target.Url("/primary"), timeoutSeconds: 2);

    /// <summary>
    /// For an engine that cannot pick the primary before it runs (Pulumi): on every database host, the SQL setup runs
    /// only where Patroni says this host is the primary, waiting for a leader at most <paramref name="seconds"/>.
    /// </summary>
    public static HostScript RunSqlIfPrimary(SqlTarget self, IReadOnlyList<SqlTarget> all, int seconds = 120)
    {
        var anyPrimary = string.Join(" || ", all.Select(t => HttpCommand(PrimaryCall(t))));
        return new($"running the SQL setup if {self.Host} is the primary", HttpFunctionText + "\n" + $"""
            deadline=$(( $(date +%s) + {seconds.ToString(CultureInfo.InvariantCulture)} ))
            until {"{"} {anyPrimary}; {"}"} >/dev/null 2>&1; do
              [ "$(date +%s)" -ge "$deadline" ] && {"{"} echo 'no database host is the primary' >&2; exit 1; {"}"}
              sleep 1
            done
            if {HttpCommand(PrimaryCall(self))} >/dev/null; then
              {RunSql().Text}
            fi
            """, ScriptInput.Content, seconds + 300);
    }

    /// <summary>The SQL script goes on standard input, its secrets filled in; psql stops at the first error.</summary>
    public static HostScript RunSql() =>
        new("running the SQL setup", "cd /tmp && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -", ScriptInput.Content) { Kind = HostOperationKind.RunSql };

    /// <summary>SIGKILL to the postmaster of the cluster in <paramref name="dataDirectory"/>, after checking the pid is a postgres process.</summary>
    public static HostScript KillPostmaster(string dataDirectory) =>
        new("killing the postmaster", $"""
            set -e
            pid=$(head -n 1 -- {Quote(dataDirectory + "/postmaster.pid")})
            case $pid in ''|*[!0-9]*) echo {Quote($"no postmaster pid in {dataDirectory}")} >&2; exit 1 ;; esac
            [ "$(cat /proc/$pid/comm)" = postgres ] || {"{"} echo "pid $pid is not postgres" >&2; exit 1; {"}"}
            kill -KILL "$pid"
            """);
}
