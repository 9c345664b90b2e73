using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>
/// A systemd service, enabled and running, and ready before its dependents start. It is restarted only when
/// something it reads at start changed (or it was found stopped), reloaded when only reloadable files changed,
/// and left alone otherwise: a second up restarts nothing.
/// </summary>
internal sealed class ServiceProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        var unit = desired.Inputs["unit"];
        var session = context.Session(desired.Host!);
        var running = session.Run($"systemctl is-active --quiet {unit}").Ok;
        // "drift" on a service is the service itself found stopped; a repaired file it reads comes as its reload:/restart: key
        var restart = recorded is null || !running || changedKeys.Any(k => !k.StartsWith("reload:", StringComparison.Ordinal));
        var changed = changedKeys;
        session.Check($"enabling {unit}", $"systemctl daemon-reload && systemctl enable --quiet {unit}");
        if (restart)
        {
            context.Log($"{desired.Host}: {(running ? "restarting" : "starting")} {unit}");
            session.Check($"starting {unit}", $"systemctl restart {unit}", timeout: TimeSpan.FromMinutes(3));
        }
        else if (changed.Count > 0)
        {
            context.Log($"{desired.Host}: reloading {unit}");
            session.Check($"reloading {unit}", $"systemctl reload {unit}");
        }
        WaitReady(context, session, desired.Host!, unit);
        return new Dictionary<string, string> { ["active"] = "true" };
    }

    /// <summary>Each service's own sign that it serves, checked on the host, bounded in time.</summary>
    private static void WaitReady(ApplyContext context, HostSession session, string host, string unit)
    {
        var config = context.Plan.Config;
        var address = config.Hosts.Single(h => h.Name == host).Address;
        var (probe, seconds) = unit switch
        {
            "etcd" => ($"ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:{config.Etcd.ClientPort} endpoint health", 90),
            // a replica is ready when it runs and streams; its first clone can take a while
            "patroni" => ($"python3 -c 'import urllib.request; urllib.request.urlopen(\"http://{address}:{config.Patroni.RestPort}/health\", timeout=2)'", 300),
            "pgbouncer" => ($"ss -ltnH 'sport = :{config.PgBouncer.Port}' | grep -q .", 30),
            "haproxy" => ($"ss -ltnH 'sport = :{config.Haproxy.WritePort}' | grep -q .", 30),
            _ => ($"systemctl is-active --quiet {unit}", 30),
        };
        session.Check($"waiting for {unit} to be ready", $$"""
            i=0
            until {{probe}} >/dev/null 2>&1; do
              i=$((i + 1))
              if [ $i -ge {{seconds * 2}} ]; then
                echo "{{unit}} not ready after {{seconds}} s" >&2
                systemctl status --no-pager --lines 15 {{unit}} >&2
                exit 1
              fi
              sleep 0.5
            done
            """, timeout: TimeSpan.FromSeconds(seconds + 30));
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        var unit = recorded.Inputs["unit"];
        var session = context.Session(recorded.Host!);
        session.Check($"stopping {unit}", $"systemctl disable --now --quiet {unit} 2>/dev/null || systemctl stop {unit} || true");
        if (!context.PurgeData)
            return;
        var config = context.Plan.Config;
        var data = unit switch
        {
            "patroni" => $"/var/lib/postgresql/{config.Postgres.Version}/main",
            "etcd" => $"/var/lib/etcd/{config.Patroni.Scope}",
            _ => null,
        };
        if (data is not null)
        {
            context.Log($"{recorded.Host}: --purge-data: removing {data}");
            session.Check($"removing {data}", $"rm -rf {data}");
        }
    }

    public string? Drift(ApplyContext context, ResourceState recorded)
    {
        var unit = recorded.Inputs["unit"];
        var state = context.Session(recorded.Host!).Run($"systemctl is-active {unit}").Stdout.Trim();
        return state == "active" ? null : $"the service is {state}, not active";
    }
}
