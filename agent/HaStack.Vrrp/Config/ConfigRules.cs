using System.Net.Sockets;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrp.Config;

/// <summary>
/// Checks across settings: what is missing, and what contradicts what. Each message says what conflicts with
/// what, and how to resolve it.
/// </summary>
internal static class ConfigRules
{
    public static void Check(VrrpdConfig config, IReadOnlyDictionary<ConfigLoader.InstanceBuilder, ConfigLoader.RawInstance> raws, List<Diagnostic> diagnostics)
    {
        void Error(SourceLocation at, string message) => diagnostics.Add(new(Severity.Error, at, message));
        void Warning(SourceLocation at, string message) => diagnostics.Add(new(Severity.Warning, at, message));

        var scripts = new Dictionary<string, ScriptTrackerConfig>();
        foreach (var script in config.Scripts)
        {
            if (!scripts.TryAdd(script.Name, script))
                Error(script.Location, $"vrrp_script {script.Name} is defined twice (first at {scripts[script.Name].Location}); rename one");
        }
        if (config.Scripts.Count > 0 && config.Global.ScriptUser is null or "root")
        {
            var at = config.Scripts[0].Location;
            Warning(at, config.Global.ScriptUser is null
                ? "no script_user in global_defs: health-check and notify scripts run as keepalived_script if that user exists, else nobody; set script_user to choose"
                : "script_user root: health checks run with full privileges; prefer an unprivileged user");
        }

        var names = new Dictionary<string, InstanceConfig>();
        var vrids = new Dictionary<(string, byte, AddressFamily), InstanceConfig>();
        // the daemon tells instances apart by VRID alone (a received advert names no interface): keepalived allows
        // one id on two interfaces, this agent refuses it here rather than stop on the first packet
        var vridsAnywhere = new Dictionary<byte, InstanceConfig>();
        foreach (var (builder, raw) in raws)
        {
            var instance = config.Instances.Single(i => i.Name == builder.Name && i.Location == builder.Location);
            var at = instance.Location;
            var name = $"vrrp_instance {instance.Name}";
            var strict = config.Global.Strict || raw.StrictMode;

            if (instance.Name.Length == 0)
                Error(at, "vrrp_instance needs a name: vrrp_instance VI_1 { ... }");
            else if (!names.TryAdd(instance.Name, instance))
                Error(at, $"{name} is defined twice (first at {names[instance.Name].Location}); rename one");
            if (raw.Interface is null)
                Error(at, $"{name} has no 'interface': name the interface the addresses live on, e.g. interface eth0");
            else if (!InterfaceName.IsValid(raw.Interface))
                Error(at, $"{name}: interface '{InterfaceName.Printable(raw.Interface)}' is not one the kernel accepts: {InterfaceName.Rule}");
            if (raw.VirtualRouterId is null)
                Error(at, $"{name} has no 'virtual_router_id': pick 1-255, the same on every router of the group and unique on the network segment");

            var families = instance.VirtualAddresses.Select(a => a.Address.AddressFamily).Distinct().ToList();
            if (instance.VirtualAddresses.Count == 0)
            {
                if (strict)
                    Error(at, $"{name} has no virtual_ipaddress, which vrrp_strict forbids: add the address(es) the routers share");
                else
                    Warning(at, $"{name} has no virtual_ipaddress: it takes part in elections but holds no address");
            }
            if (families.Count > 1)
                Error(at, $"{name} mixes IPv4 and IPv6 virtual addresses; one advertisement carries one family, so split them into two instances");
            if (instance.Version == VrrpVersion.V2 && families.Contains(AddressFamily.InterNetworkV6))
                Error(at, $"{name} has IPv6 addresses but runs VRRP version 2, which carries IPv4 only (RFC 3768); set 'version 3'");
            if (instance.VirtualAddresses.Count > 255)
                Error(at, $"{name} has {instance.VirtualAddresses.Count} addresses; an advertisement carries at most 255");
            var family = families.Count == 1 ? families[0] : AddressFamily.InterNetwork;
            if (raw.VirtualRouterId is { } vrid && raw.Interface is { } ifname && !vrids.TryAdd((ifname, vrid, family), instance))
            {
                Error(at, $"{name} uses virtual_router_id {vrid} on {ifname}, as {vrids[(ifname, vrid, family)].Name} does; each instance on an interface needs its own id");
            }
            else if (raw.VirtualRouterId is { } anyVrid && !vridsAnywhere.TryAdd(anyVrid, instance))
            {
                Error(at, $"{name} uses virtual_router_id {anyVrid}, as {vridsAnywhere[anyVrid].Name} does on {vridsAnywhere[anyVrid].Interface}; " +
                    "hastack-vrrpd needs a VRID of its own for each instance, even on different interfaces: pick another id");
            }
            if (families.Contains(AddressFamily.InterNetworkV6))
                Error(at, $"{name} has IPv6 virtual addresses, which hastack-vrrpd does not carry yet; use IPv4 addresses, or keepalived for IPv6");
            if (raw.InitialStateAt is { } stateAt && instance.InitialState == RouterState.Master)
                Warning(stateAt, $"{name}: 'state MASTER' has no effect in hastack-vrrpd: every instance starts as BACKUP and the election decides (the priority is what counts)");
            if (raw.AcceptAt is { } acceptAt && instance.Accept == true)
                Warning(acceptAt, $"{name}: 'accept' has no effect in hastack-vrrpd: the host always accepts packets to the addresses it holds (Linux does)");

            if (raw.AuthenticationAt is { } authAt)
            {
                if (instance.Version == VrrpVersion.V3)
                    Warning(authAt, $"{name}: VRRP version 3 has no authentication (RFC 9568 §9); the authentication block is ignored, as keepalived ignores it");
                else if (strict)
                    Error(authAt, $"{name}: vrrp_strict forbids authentication (RFC 3768 removed it); remove the authentication block or vrrp_strict");
            }
            if (raw.PeersAt is { } peersAt)
            {
                if (strict)
                    Error(peersAt, $"{name}: vrrp_strict allows multicast only, but unicast_peer is set; remove unicast_peer or vrrp_strict");
                if (instance.UnicastPeers.Count == 0)
                    Error(peersAt, $"{name}: unicast_peer is empty; list the other routers' addresses, or remove the block for multicast");
                if (instance.UnicastSource is { } source && instance.UnicastPeers.Contains(source))
                    Error(peersAt, $"{name}: {source} is both unicast_src_ip and a unicast_peer; list only the other routers");
                if (instance.UnicastPeers.Any(p => families.Count == 1 && p.AddressFamily != family))
                    Error(peersAt, $"{name}: unicast peers must be of the virtual addresses' family");
            }
            else if (instance.UnicastSource is not null && instance.UnicastPeers.Count == 0 && raw.Interface is not null)
            {
                Warning(at, $"{name}: unicast_src_ip without unicast_peer: adverts go to the multicast group, from that address");
            }
            if (raw.PreemptDelayAt is { } delayAt)
            {
                if (strict)
                    Error(delayAt, $"{name}: vrrp_strict forbids preempt_delay (RFC 9568 has no such delay); remove one of them");
                if (!instance.Preempt)
                    Warning(delayAt, $"{name}: preempt_delay has no effect with nopreempt");
            }
            if (strict && instance.HigherPriorityAdvert)
                Error(raw.HigherPriorityAdvertAt ?? at, $"{name}: vrrp_strict forbids higher_prio_send_advert (RFC 9568's master sends nothing when it yields); remove one of them");
            if (raw.NoPreemptAt is { } noPreemptAt && instance.InitialState == RouterState.Master)
                Warning(noPreemptAt, $"{name}: nopreempt with state MASTER: keepalived requires state BACKUP for nopreempt to hold after a restart; use state BACKUP on every router");
            if (strict && instance.InitialState == RouterState.Master && instance.Priority != Advertisement.OwnerPriority)
                Warning(at, $"{name}: under vrrp_strict only the address owner (priority 255) may start as MASTER; it starts as BACKUP");
            if (instance.Priority == Advertisement.OwnerPriority && instance.TrackScripts.Any(t => (t.Weight ?? (scripts.TryGetValue(t.Name, out var s) ? s.Weight : 0)) != 0))
                Warning(at, $"{name}: priority 255 is the address owner's and tracker weights do not change it; only weight-0 trackers (fault) apply");
            if (instance.Accept == false && !strict)
                Warning(at, $"{name}: no_accept: this router will not accept packets to the virtual addresses it holds, so services bound to them are unreachable (RFC 9568 Accept_Mode false)");

            foreach (var track in instance.TrackProcesses)
            {
                if (!config.ProcessTrackers.Any(p => p.Name == track.Name))
                    Error(track.Location, $"{name} tracks process '{track.Name}', which no vrrp_track_process defines; define it or remove the reference");
            }
            foreach (var track in instance.TrackScripts)
            {
                if (!scripts.ContainsKey(track.Name))
                {
                    var guess = KeepalivedKeywords.Nearest(track.Name, scripts.Keys);
                    Error(track.Location, $"{name} tracks script '{track.Name}', which no vrrp_script defines" +
                        (guess is null ? "; define it or remove the reference" : $"; did you mean '{guess}'?"));
                }
            }
        }
    }
}
