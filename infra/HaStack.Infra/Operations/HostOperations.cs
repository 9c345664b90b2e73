using System.Globalization;
using HaStack.Infra.Catalogue;
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

    /// <summary>Prints systemd's word for the unit's state ("active" when it runs).</summary>
    public static HostScript ServiceState(string unit) => new($"reading {unit}", $"systemctl is-active {Quote(unit)} || true") { Kind = HostOperationKind.ReadService, Subject = unit };

    public static HostScript Systemctl(string verb, string unit) => verb is "start" or "stop"
        ? new($"{verb} {unit}", $"systemctl {verb} {Quote(unit)}") { Kind = HostOperationKind.Systemctl, Subject = unit }
        : throw new ArgumentOutOfRangeException(nameof(verb));

    /// <summary>Exits 0 once the unit is active, within 10 s.</summary>
    public static HostScript WaitActive(string unit) =>
        new($"waiting for {unit}", $"for i in $(seq 50); do systemctl is-active --quiet {Quote(unit)} && exit 0; sleep 0.2; done; exit 1");

    // ---- status: read-only, each bounded; what they print is parsed (and checked) by the caller

    /// <summary>The body of an HTTP GET, printed as it came (a JSON API read from a host: Patroni's, the agent's status).</summary>
    public static HostScript HttpGet(string what, string url) => Http(what, HttpCall.Get(url));

    // ---- faults: only HaStack's own services, each one its own kind of death

    /// <summary>
    /// SIGKILL to a unit's processes through systemd, so nothing outside the unit is hit; <paramref name="mainOnly"/>
    /// spares the rest of its cgroup (Patroni's PostgreSQL).
    /// </summary>
    public static HostScript KillService(string unit, bool mainOnly) =>
        new($"killing {unit}", $"systemctl kill --signal=KILL{(mainOnly ? " --kill-who=main" : "")} {Quote(unit)}");
}
