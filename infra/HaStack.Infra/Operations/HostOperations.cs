using System.Globalization;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Graph;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>
/// Every operation HaStack runs on a host, as a pure function of typed inputs to a script. Nothing else builds
/// shell text: every value passes through <see cref="Shell.Quote"/>, and contents and secrets go on standard input.
/// </summary>
internal static partial class HostOperations
{
    // ---- files (and the agent binary, which is a file with another source)

    /// <summary>Atomic: a temporary file beside the target, owner and mode set, then renamed over it.</summary>
    public static HostScript WriteFile(string path, string mode, string owner, string group, ScriptInput input = ScriptInput.Content) =>
        new($"writing {path}", $"""
            set -e
            target={Quote(path)}
            mkdir -p -- "$(dirname -- "$target")"
            umask 077
            cat > "$target.hastack-new"
            chown -- {Quote($"{owner}:{group}")} "$target.hastack-new"
            chmod -- {Quote(mode)} "$target.hastack-new"
            mv -f -- "$target.hastack-new" "$target"
            """, input) { Kind = HostOperationKind.WriteFile, Subject = path };

    public static HostScript WriteFile(FileInputs file) => ThenReloadSystemd(file.Path, WriteFile(file.Path, file.Mode, file.Owner, file.Group));

    public static HostScript RemoveFile(FileInputs file) => ThenReloadSystemd(file.Path, RemoveFile(file.Path));

    /// <summary>Where systemd reads units and drop-ins that HaStack writes.</summary>
    public const string SystemdUnitDirectory = "/etc/systemd/system/";

    /// <summary>A unit file or drop-in counts once systemd has reloaded: a changed restart policy applies to the running service then, without restarting it.</summary>
    private static HostScript ThenReloadSystemd(string path, HostScript script) =>
        path.StartsWith(SystemdUnitDirectory, StringComparison.Ordinal)
            ? script with { Text = $"{script.Text}\nsystemctl daemon-reload" }
            : script;

    public static HostScript WriteAgentBinary(AgentBinaryInputs binary) => WriteFile(binary.Path, binary.Mode, "root", "root", ScriptInput.AgentBinary);

    /// <summary>Where a program that uploads the agent binary first (Pulumi's CopyToRemote) puts it: named by its hash.</summary>
    public static string AgentUploadPath(AgentBinaryInputs binary) => $"/tmp/hastack-vrrpd.{binary.Sha256 ?? "unbuilt"}";

    /// <summary>
    /// The agent binary installed from an uploaded copy: the same atomic write as <see cref="WriteAgentBinary"/>, its
    /// standard input the uploaded file, which is removed afterwards.
    /// </summary>
    public static HostScript InstallUploadedAgent(AgentBinaryInputs binary)
    {
        var write = WriteAgentBinary(binary);
        var upload = Quote(AgentUploadPath(binary));
        return write with
        {
            What = $"installing {binary.Path}",
            Input = ScriptInput.None,
            Text = $"sh -c {Quote(write.Text)} < {upload}\nrm -f -- {upload}",
        };
    }

    public static HostScript RemoveFile(string path) => new($"removing {path}", $"rm -f -- {Quote(path)}");

    /// <summary>Prints the file's SHA-256 in hex, or nothing when it does not exist.</summary>
    public static HostScript Sha256Of(string path) =>
        new($"reading {path}", $"if [ -e {Quote(path)} ]; then sha256sum -- {Quote(path)} | cut -c1-64; fi") { Kind = HostOperationKind.ReadFile, Subject = path };

    /// <summary>The host's /etc/os-release, read only: which Debian release it runs.</summary>
    public static HostScript ReadOsRelease() => new("reading the host's release", "head -c 8192 /etc/os-release", TimeoutSeconds: 30);

    // ---- packages

    /// <summary>With the host's own apt; its lists are refreshed only when an install cannot find a package.</summary>
    public static HostScript InstallPackages(PackagesInputs packages)
    {
        if (packages.Packages.Count == 0)
            return new("installing packages", "true") { Kind = HostOperationKind.InstallPackages };
        var names = string.Join(" ", packages.Packages.Select(Quote));
        return new("installing packages", $"""
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -q -y --no-install-recommends {names} >/tmp/hastack-apt.log 2>&1 ||
              {"{"} apt-get update -q >>/tmp/hastack-apt.log 2>&1 && apt-get install -q -y --no-install-recommends {names} >>/tmp/hastack-apt.log 2>&1; {"}"} ||
              {"{"} tail -20 /tmp/hastack-apt.log >&2; exit 1; {"}"}
            """, TimeoutSeconds: 600) { Kind = HostOperationKind.InstallPackages };
    }

    /// <summary>One line per package: its name and dpkg's status word ("installed" when it is).</summary>
    public static HostScript QueryPackages(PackagesInputs packages) =>
        new("reading packages", packages.Packages.Count == 0 ? "true"
            : $"dpkg-query -W -f '${{Package}} ${{db:Status-Status}}\\n' {string.Join(" ", packages.Packages.Select(Quote))} 2>&1") { Kind = HostOperationKind.ReadPackages };

    // ---- services

    /// <summary>
    /// Enabled, running with what it reads now, and ready. <paramref name="effect"/> is what the change asks;
    /// a service found stopped is started whatever it is.
    /// </summary>
    public static HostScript StartService(ServiceInputs service, ServiceEffect effect)
    {
        var unit = Quote(service.Unit);
        var start = effect switch
        {
            ServiceEffect.Restart => $"systemctl restart {unit}",
            ServiceEffect.Reload => $"if systemctl is-active --quiet {unit}; then systemctl reload {unit}; else systemctl restart {unit}; fi",
            _ => $"systemctl is-active --quiet {unit} || systemctl restart {unit}",
        };
        var join = service.Membership is { } member ? EtcdJoinText(member, service.DataDirectories[0]) : "";
        // a unit is enabled only when it is not, and a reload asks PID 1 to read units again only when systemd says one
        // changed on disk (files HaStack writes there reload it themselves): each costs seconds on a loaded host (enable
        // runs Debian's sysv-install) and every service step paid them. A (re)start reloads always: systemd 252 missed a
        // drop-in written (without a reload) into a new directory, and a start must not run on what it read before.
        var reloadUnits = effect == ServiceEffect.Restart ? "systemctl daemon-reload" : $"""
            case "$(systemctl show -p LoadState -p NeedDaemonReload {unit})" in
              *LoadState=loaded*NeedDaemonReload=no*) ;;
              *) systemctl daemon-reload ;;
            esac
            """;
        return new($"starting {service.Unit}", $"""
            set -e
            {join}
            {reloadUnits}
            systemctl is-enabled --quiet {unit} || systemctl enable --quiet {unit}
            {start}
            {WaitReadyText(service)}
            """, TimeoutSeconds: service.Ready.Seconds + 60) { Kind = HostOperationKind.StartService, Subject = service.Unit };
    }

    private static string WaitReadyText(ServiceInputs service)
    {
        var unit = Quote(service.Unit);
        var seconds = service.Ready.Seconds.ToString(CultureInfo.InvariantCulture);
        // bounded by the clock, not by a count of polls: on a loaded host each probe takes longer, and a loop that
        // outlives the run that started it (its SSH channel gone) only adds to the load
        var defines = service.Ready.Kind == ProbeKind.HttpOk ? HttpFunctionText + "\n" : "";
        return defines + $"""
            deadline=$(( $(date +%s) + {seconds} ))
            until {Probe(service.Unit, service.Ready)} >/dev/null 2>&1; do
              if [ "$(date +%s)" -ge "$deadline" ]; then
                echo {Quote($"{service.Unit} not ready after {seconds} s")} >&2
                systemctl status --no-pager --lines 15 {unit} >&2 || true
                exit 1
              fi
              sleep 0.5
            done
            """;
    }

    /// <summary>A command that exits 0 exactly when the probe passes (HttpOk: after <see cref="HttpFunctionText"/>).</summary>
    public static string Probe(string unit, ReadinessProbe probe) => probe.Kind switch
    {
        ProbeKind.EtcdHealth => $"{EtcdctlVariables(tls: false)} etcdctl --endpoints={Quote($"http://127.0.0.1:{probe.Target}")} endpoint health",
        ProbeKind.EtcdHealthTls => $"{EtcdctlVariables(tls: true)} etcdctl --endpoints={Quote($"https://127.0.0.1:{probe.Target}")} endpoint health",
        ProbeKind.HttpOk => HttpCommand(HttpCall.Get(probe.Target, timeoutSeconds: 2)),
        ProbeKind.TcpListen => $"ss -ltnH {Quote($"sport = :{probe.Target}")} | grep -q .",
        _ => $"systemctl is-active --quiet {Quote(unit)}",
    };

    /// <summary>Stopped and disabled; with <paramref name="purgeData"/>, its data directories removed as well.</summary>
    public static HostScript StopService(ServiceInputs service, bool purgeData)
    {
        var unit = Quote(service.Unit);
        var text = $"systemctl disable --now --quiet {unit} 2>/dev/null || systemctl stop {unit} || true";
        if (service.Membership is not null)
            text += $"\nrm -f -- {Quote(Components.EtcdJoinEnvironmentPath)}";
        if (purgeData)
        {
            foreach (var dir in service.DataDirectories)
            {
                // checked again here, not only when state was read: this is the one place that removes directories
                if (!ServiceInputs.IsDataDirectory(dir))
                    throw new InvalidInputException("data", $"'{dir}' is not a data directory HaStack makes");
                text += $"\nrm -rf -- {Quote(dir)}";
            }
        }
        return new($"stopping {service.Unit}", text) { Kind = HostOperationKind.StopService, Subject = service.Unit };
    }

    /// <summary>
    /// The variables etcdctl reads (as <c>NAME=VALUE ...</c>, to prefix a command or follow <c>export</c>): the v3 API,
    /// and with TLS the cluster's CA and the host's certificate and key, root's copy (HaStack's commands run as root).
    /// </summary>
    public static string EtcdctlVariables(bool tls) => tls
        ? $"ETCDCTL_API=3 ETCDCTL_CACERT={Quote(Components.TlsCaPath)} ETCDCTL_CERT={Quote(Components.TlsCertificatePath)} ETCDCTL_KEY={Quote(Components.TlsKeyPath)}"
        : "ETCDCTL_API=3";

    /// <summary>Prints systemd's word for the unit's state ("active" when it runs).</summary>
    public static HostScript ServiceState(string unit) => new($"reading {unit}", $"systemctl is-active {Quote(unit)} || true") { Kind = HostOperationKind.ReadService, Subject = unit };

    public static HostScript Systemctl(string verb, string unit) => verb is "start" or "stop"
        ? new($"{verb} {unit}", $"systemctl {verb} {Quote(unit)}") { Kind = HostOperationKind.Systemctl, Subject = unit }
        : throw new ArgumentOutOfRangeException(nameof(verb));

    /// <summary>Exits 0 once the unit is active, within 10 s.</summary>
    public static HostScript WaitActive(string unit) =>
        new($"waiting for {unit}", $"for i in $(seq 50); do systemctl is-active --quiet {Quote(unit)} && exit 0; sleep 0.2; done; exit 1");

    // ---- the SQL setup

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

    // ---- what the failover proof looks at

    public static HostScript HoldsAddress(string device, string address) =>
        new($"looking for {address}", $"ip -4 -o addr show dev {Quote(device)} | grep -qwF -- {Quote(address)}") { Kind = HostOperationKind.VipLookup, Subject = address };

    /// <summary>What marks a running <see cref="WaitForAddress"/> loop, so <see cref="StopWaitingForAddress"/> finds it.</summary>
    private const string WatchMarker = "hastack-vip-watch";

    /// <summary>
    /// Waits on the host itself (no round trip per poll) until it holds the address; exit 1 after about
    /// <paramref name="seconds"/> of polls. The loop outlives a closed SSH channel, so the failover proof stops the
    /// hosts that lost the race (<see cref="StopWaitingForAddress"/>); a poll forks only ip, grep and sleep.
    /// </summary>
    public static HostScript WaitForAddress(string device, string address, double seconds)
    {
        var polls = ((int)(seconds * 1000 / 5)).ToString(CultureInfo.InvariantCulture);
        return new($"waiting for {address}", $"""
            # {WatchMarker}
            i=0
            until ip -4 -o addr show dev {Quote(device)} | grep -qwF -- {Quote(address)}; do
              i=$((i + 1)); [ $i -ge {polls} ] && exit 1
              sleep 0.005
            done
            """, TimeoutSeconds: (int)seconds + 10);
    }

    /// <summary>Ends this host's waiting loops (the [w] keeps pkill from matching the shell that runs it).</summary>
    public static HostScript StopWaitingForAddress() =>
        new("stopping the address watch", $"pkill -f '{WatchMarker[..^5]}[{WatchMarker[^5]}]{WatchMarker[^4..]}' || true");

    /// <summary>
    /// HAProxy's statistics as CSV, from its stats listener on loopback; bash's /dev/tcp (not sh's: scripts run
    /// under sh), as a proxy host may have no HTTP client. Bounded: the connection is local and the read ends after 5 s.
    /// </summary>
    public static HostScript HaproxyStats(int statsPort) =>
        new("reading HAProxy's servers", "bash -c " + Quote($"exec 3<>/dev/tcp/127.0.0.1/{statsPort.ToString(CultureInfo.InvariantCulture)} || exit 1\n" +
            "printf 'GET /;csv HTTP/1.0\\r\\n\\r\\n' >&3\ntimeout 5 cat <&3"), TimeoutSeconds: 15) { Kind = HostOperationKind.HaproxyServers };

    // ---- status: read-only, each bounded; what they print is parsed (and checked) by the caller

    /// <summary>The body of an HTTP GET, printed as it came (a JSON API read from a host: Patroni's, the agent's status).</summary>
    public static HostScript HttpGet(string what, string url) => Http(what, HttpCall.Get(url));

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

    /// <summary>PgBouncer's SHOW POOLS through its admin console, tab-separated with a header line (columns differ between versions).</summary>
    public static HostScript PgBouncerPools(int port) =>
        new("reading PgBouncer's pools", $"timeout 5 runuser -u postgres -- psql -X -q -A -F '\t' -P footer=off -h /var/run/postgresql " +
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -U pgbouncer -d pgbouncer -c 'SHOW POOLS'", TimeoutSeconds: 15);

    // ---- faults: only HaStack's own services, each one its own kind of death

    /// <summary>
    /// SIGKILL to a unit's processes through systemd, so nothing outside the unit is hit; <paramref name="mainOnly"/>
    /// spares the rest of its cgroup (Patroni's PostgreSQL).
    /// </summary>
    public static HostScript KillService(string unit, bool mainOnly) =>
        new($"killing {unit}", $"systemctl kill --signal=KILL{(mainOnly ? " --kill-who=main" : "")} {Quote(unit)}");

    /// <summary>SIGKILL to the postmaster of the cluster in <paramref name="dataDirectory"/>, after checking the pid is a postgres process.</summary>
    public static HostScript KillPostmaster(string dataDirectory) =>
        new("killing the postmaster", $"""
            set -e
            pid=$(head -n 1 -- {Quote(dataDirectory + "/postmaster.pid")})
            case $pid in ''|*[!0-9]*) echo {Quote($"no postmaster pid in {dataDirectory}")} >&2; exit 1 ;; esac
            [ "$(cat /proc/$pid/comm)" = postgres ] || {"{"} echo "pid $pid is not postgres" >&2; exit 1; {"}"}
            kill -KILL "$pid"
            """);

    /// <summary>
    /// PgBouncer's admin console over its unix socket as the OS user it runs as (PgBouncer lets that user in as
    /// "pgbouncer" without a password). PAUSE returns once every server connection is released, so it is bounded.
    /// </summary>
    public static HostScript PgBouncerAdmin(string command, int port, int seconds = 15) => command is "PAUSE" or "RESUME"
        ? new($"PgBouncer {command}", $"timeout {seconds.ToString(CultureInfo.InvariantCulture)} runuser -u postgres -- psql -X -q -h /var/run/postgresql " +
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -U pgbouncer -d pgbouncer -c {Quote(command)}", TimeoutSeconds: seconds + 10)
        {
            Kind = command == "PAUSE" ? HostOperationKind.PgBouncerPause : HostOperationKind.PgBouncerResume,
        }
        : throw new ArgumentOutOfRangeException(nameof(command));
}
