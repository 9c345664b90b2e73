using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;
using static HaStack.Vrrp.Config.KeepalivedKeywords;

namespace HaStack.Vrrp.Config;

public sealed record ConfigLoadResult(VrrpdConfig? Config, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// Reads keepalived's configuration language (the global_defs / vrrp_script / vrrp_instance subset) into a
/// <see cref="VrrpdConfig"/>, reporting every problem with its file and line. Contradictions between settings
/// are <see cref="ConfigRules"/>' job; this file reads values and places keywords.
/// </summary>
public static class ConfigLoader
{
    public static ConfigLoadResult Load(string file, IConfigSource source)
    {
        var diagnostics = new List<Diagnostic>();
        var tree = ConfigTree.Parse(file, source, diagnostics);
        var reader = new Reader(diagnostics);
        var global = new GlobalBuilder();
        var scripts = new List<ScriptTrackerConfig>();
        var instances = new List<InstanceBuilder>();
        var processes = new List<ProcessTrackerConfig>();
        foreach (var node in tree)
        {
            switch (node.Keyword)
            {
                case GlobalDefs when reader.ExpectBlock(node, ""):
                    foreach (var child in node.Block!)
                        reader.Global(child, global);
                    break;
                case VrrpScript when reader.ExpectBlock(node, " NAME"):
                    scripts.Add(reader.Script(node));
                    break;
                case VrrpInstance when reader.ExpectBlock(node, " NAME"):
                    var instance = new InstanceBuilder(node.Arguments.Count > 0 ? node.Arguments[0] : "", node.Location);
                    foreach (var child in node.Block!)
                        reader.Instance(child, instance);
                    instances.Add(instance);
                    break;
                case VrrpTrackProcess when reader.ExpectBlock(node, " NAME"):
                    processes.Add(reader.Process(node));
                    break;
                case GlobalDefs or VrrpScript or VrrpInstance or VrrpTrackProcess:
                    break;
                default:
                    reader.Misplaced(node, TopLevel, SupportedTopLevel, UnsupportedTopLevel);
                    break;
            }
        }
        var globalSettings = global.Build();
        var built = instances.Select(i => i.Build(globalSettings, diagnostics)).ToList();
        var config = new VrrpdConfig(globalSettings, scripts, built, processes);
        ConfigRules.Check(config, instances.ToDictionary(i => i, i => i.Raw), diagnostics);
        return new ConfigLoadResult(config, diagnostics);
    }

    internal sealed class GlobalBuilder
    {
        public string? RouterId;
        public VrrpVersion Version = VrrpVersion.V2;
        public bool Strict;
        public string? ScriptUser;
        public bool ScriptSecurity;
        public GratuitousArpSettings Garp = GratuitousArpSettings.Default;
        public bool LowerPriorityNoAdvert;
        public bool CheckUnicastSource;
        public IPAddress? MulticastGroup;
        public bool HigherPriorityAdvert;

        public GlobalSettings Build() => new(RouterId, Version, Strict, ScriptUser, ScriptSecurity, Garp, LowerPriorityNoAdvert, CheckUnicastSource, MulticastGroup, HigherPriorityAdvert);
    }

    /// <summary>What an instance said, before defaults and the version are applied.</summary>
    internal sealed record RawInstance
    {
        public RouterState? State;
        public SourceLocation? InitialStateAt;
        public SourceLocation? AcceptAt;
        public string? Interface;
        public byte? VirtualRouterId;
        public byte Priority = 100;
        public decimal? AdvertInt;
        public SourceLocation? AdvertIntAt;
        public VrrpVersion? Version;
        public AuthenticationType AuthType;
        public string? AuthPassword;
        public SourceLocation? AuthenticationAt;
        public List<VirtualAddress> Addresses = [];
        public IPAddress? UnicastSource;
        public List<IPAddress> Peers = [];
        public SourceLocation? PeersAt;
        public List<TrackReference> Scripts = [];
        public List<TrackReference> Interfaces = [];
        public List<TrackReference> Processes = [];
        public bool NoPreempt;
        public SourceLocation? NoPreemptAt;
        public TimeSpan PreemptDelay;
        public SourceLocation? PreemptDelayAt;
        /// <summary>The instance's own garp_* settings, applied over global_defs' vrrp_garp_* (not over the defaults).</summary>
        public List<Func<GratuitousArpSettings, GratuitousArpSettings>> GarpOverrides = [];
        public NotifyScripts Notify = new();
        public bool? Accept;
        public bool ChecksumAsV2;
        public bool? LowerPriorityNoAdvert;
        public bool? HigherPriorityAdvert;
        public SourceLocation? HigherPriorityAdvertAt;
        public bool CheckUnicastSource;
        public bool StrictMode;
    }

    internal sealed class InstanceBuilder(string name, SourceLocation location)
    {
        public RawInstance Raw { get; } = new();
        public string Name => name;
        public SourceLocation Location => location;

        public InstanceConfig Build(GlobalSettings global, List<Diagnostic> diagnostics)
        {
            var version = Raw.Version ?? global.Version;
            var interval = IntervalCentiseconds(version, diagnostics);
            var strict = global.Strict || Raw.StrictMode;
            return new InstanceConfig(
                name, location, Raw.State ?? RouterState.Backup, Raw.Interface ?? "", Raw.VirtualRouterId ?? 0, Raw.Priority,
                interval, version, version == VrrpVersion.V2 ? Raw.AuthType : AuthenticationType.None, Raw.AuthPassword,
                Raw.Addresses, Raw.UnicastSource, Raw.Peers, Raw.Scripts, Raw.Interfaces, Raw.Processes,
                Preempt: !Raw.NoPreempt, Raw.PreemptDelay, Raw.GarpOverrides.Aggregate(global.GratuitousArp ?? GratuitousArpSettings.Default, (garp, apply) => apply(garp)), Raw.Notify,
                // keepalived: accept unless strict (then only the owner accepts) or no_accept
                Accept: Raw.Accept ?? (!strict || Raw.Priority == Advertisement.OwnerPriority),
                Raw.ChecksumAsV2 ? ChecksumForm.MessageOnly : ChecksumForm.PseudoHeader,
                Raw.LowerPriorityNoAdvert ?? global.LowerPriorityNoAdvert,
                Raw.CheckUnicastSource || global.CheckUnicastSource,
                Raw.HigherPriorityAdvert ?? global.HigherPriorityAdvert);
        }

        private int IntervalCentiseconds(VrrpVersion version, List<Diagnostic> diagnostics)
        {
            if (Raw.AdvertInt is not { } seconds)
                return 100;
            var at = Raw.AdvertIntAt ?? location;
            if (version == VrrpVersion.V2)
            {
                if (seconds != decimal.Truncate(seconds) || seconds is < 1 or > 255)
                {
                    diagnostics.Add(new(Severity.Error, at,
                        $"advert_int {seconds}: VRRP version 2 advertises in whole seconds, 1 to 255; use a whole number, or 'version 3' for sub-second adverts (0.01 to 40.95)"));
                    return 100;
                }
                return (int)seconds * 100;
            }
            if (seconds is < 0.01m or > 40.95m)
            {
                diagnostics.Add(new(Severity.Error, at, $"advert_int {seconds}: VRRP version 3 advertises every 0.01 to 40.95 seconds; pick a value in that range"));
                return 100;
            }
            var centiseconds = decimal.Round(seconds * 100);
            if (centiseconds != seconds * 100)
                diagnostics.Add(new(Severity.Warning, at, $"advert_int {seconds}: VRRP version 3 counts in hundredths of a second; using {centiseconds / 100}"));
            return (int)centiseconds;
        }
    }

    private sealed class Reader(List<Diagnostic> diagnostics)
    {
        private void Error(SourceLocation at, string message) => diagnostics.Add(new(Severity.Error, at, message));

        private void Warning(SourceLocation at, string message) => diagnostics.Add(new(Severity.Warning, at, message));

        public bool ExpectBlock(ConfigNode node, string arguments)
        {
            if (node.Block is not null && (arguments.Length == 0 || node.Arguments.Count >= 1))
                return true;
            Error(node.Location, $"{node.Keyword} needs {(arguments.Length == 0 ? "" : "a name and ")}a block: {node.Keyword}{arguments} {{ ... }}");
            return false;
        }

        /// <summary>A keyword that is not supported in the block it is in: warning or error, with the fix.</summary>
        private static bool LooksLikeKeyword(string word) =>
            word.Length is >= 1 and <= 64 && word.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');

        public void Misplaced(ConfigNode node, string block, IReadOnlySet<string> supported, IReadOnlySet<string> unsupported)
        {
            if (unsupported.Contains(node.Keyword))
            {
                Warning(node.Location, $"'{node.Keyword}' is a keepalived keyword that hastack-vrrpd does not support; it is ignored");
                return;
            }
            var home = HomeOf(node.Keyword);
            if (home is not null && home != block)
            {
                var where = home == TopLevel ? "at the top level" : $"inside {home} {{ }}";
                Warning(node.Location, $"'{node.Keyword}' belongs {where}, not {(block == TopLevel ? "at the top level" : $"in {block}")}; it is ignored here (keepalived ignores it too)");
                return;
            }
            if (!LooksLikeKeyword(node.Keyword))
            {
                // not shown: an include may have pulled in a file that is no config (/etc/shadow), whose lines are not ours to print
                Error(node.Location, $"this line is not a keepalived statement (a keyword is lower-case letters, digits and '_'); remove it or check what the file holds");
                return;
            }
            var guess = Nearest(node.Keyword, supported.Concat(unsupported));
            Error(node.Location, $"unknown keyword '{node.Keyword}' in {(block == TopLevel ? "the top level" : block)}" +
                (guess is null ? "; remove it or check keepalived.conf(5)" : $"; did you mean '{guess}'?"));
        }

        public void Global(ConfigNode node, GlobalBuilder global)
        {
            if (!SupportedGlobal.Contains(node.Keyword))
            {
                Misplaced(node, GlobalDefs, SupportedGlobal, UnsupportedGlobal);
                return;
            }
            switch (node.Keyword)
            {
                case "router_id": global.RouterId = Word(node); break;
                case "vrrp_version": global.Version = Version(node) ?? global.Version; break;
                case "vrrp_strict": NoArguments(node); global.Strict = true; break;
                case "script_user": global.ScriptUser = Word(node); break;
                case "enable_script_security": NoArguments(node); global.ScriptSecurity = true; break;
                case "vrrp_garp_master_delay": global.Garp = global.Garp with { Delay = Seconds(node, 0, 1000) ?? global.Garp.Delay }; break;
                case "vrrp_garp_master_repeat": global.Garp = global.Garp with { Repeat = Integer(node, 1, 10000) ?? global.Garp.Repeat }; break;
                case "vrrp_garp_master_refresh": global.Garp = global.Garp with { Refresh = Seconds(node, 0, 100000) ?? global.Garp.Refresh }; break;
                case "vrrp_garp_master_refresh_repeat": global.Garp = global.Garp with { RefreshRepeat = Integer(node, 1, 10000) ?? global.Garp.RefreshRepeat }; break;
                case "vrrp_garp_lower_prio_repeat": global.Garp = global.Garp with { LowerPriorityRepeat = Integer(node, 0, 10000) ?? global.Garp.LowerPriorityRepeat }; break;
                case "vrrp_lower_prio_no_advert": global.LowerPriorityNoAdvert = OptionalBool(node); break;
                case "vrrp_higher_prio_send_advert": global.HigherPriorityAdvert = OptionalBool(node); break;
                case "vrrp_check_unicast_src": NoArguments(node); global.CheckUnicastSource = true; break;
                case "vrrp_mcast_group4": global.MulticastGroup = Address(node, FirstArgument(node), AddressFamily.InterNetwork); break;
            }
        }

        public ScriptTrackerConfig Script(ConfigNode node)
        {
            string? command = null;
            var interval = TimeSpan.FromSeconds(1);
            TimeSpan? timeout = null;
            int weight = 0, rise = 1, fall = 1;
            var reverse = false;
            var initFail = false;
            string? user = null;
            foreach (var child in node.Block!)
            {
                if (!SupportedScript.Contains(child.Keyword))
                {
                    Misplaced(child, VrrpScript, SupportedScript, UnsupportedScript);
                    continue;
                }
                switch (child.Keyword)
                {
                    case "script":
                        command = child.Arguments.Count > 0 ? string.Join(' ', child.Arguments) : null;
                        if (command is null)
                            Error(child.Location, "script needs a command, e.g. script \"/usr/bin/killall -0 haproxy\"");
                        break;
                    case "interval":
                        interval = Seconds(child, 0.01m, 86400) ?? interval;
                        if (interval.Ticks % TimeSpan.TicksPerSecond != 0)
                            Warning(child.Location, $"interval {child.Arguments[0]}: keepalived before 2.3.2 accepts whole seconds only; this config will not load unchanged there");
                        break;
                    case "timeout": timeout = Seconds(child, 0.01m, 86400); break;
                    case "weight":
                        weight = Integer(child, TrackerArithmeticLimits.MinimumWeight, TrackerArithmeticLimits.MaximumWeight) ?? 0;
                        reverse = Reverse(child, 1);
                        break;
                    case "rise": rise = Integer(child, 1, 1000) ?? rise; break;
                    case "fall": fall = Integer(child, 1, 1000) ?? fall; break;
                    case "user": user = Word(child); break;
                    case "init_fail": NoArguments(child); initFail = true; break;
                }
            }
            if (command is null && !node.Block!.Any(c => c.Keyword == "script"))
                Error(node.Location, $"vrrp_script {node.Arguments[0]} has no 'script' line: add the command to run, e.g. script \"/usr/bin/killall -0 haproxy\"");
            return new ScriptTrackerConfig(node.Arguments[0], command ?? "", interval, timeout ?? interval, weight, reverse, rise, fall, user, initFail, node.Location);
        }

        public ProcessTrackerConfig Process(ConfigNode node)
        {
            string? process = null;
            int weight = 0, quorum = 1;
            var reverse = false;
            foreach (var child in node.Block!)
            {
                if (!SupportedTrackProcess.Contains(child.Keyword))
                {
                    Misplaced(child, VrrpTrackProcess, SupportedTrackProcess, UnsupportedTrackProcess);
                    continue;
                }
                switch (child.Keyword)
                {
                    case "process":
                        process = Word(child);
                        break;
                    case "weight":
                        weight = Integer(child, TrackerArithmeticLimits.MinimumWeight, TrackerArithmeticLimits.MaximumWeight) ?? 0;
                        reverse = Reverse(child, 1);
                        break;
                    case "quorum":
                        quorum = Integer(child, 1, 65535) ?? 1;
                        break;
                }
            }
            if (process is null)
                Error(node.Location, $"vrrp_track_process {node.Arguments[0]} has no 'process' line: name the process to watch, e.g. process haproxy");
            else if (process.Length > 15)
                Warning(node.Location, $"process {process}: Linux keeps 15 characters of a process name; matching uses '{process[..15]}'");
            return new ProcessTrackerConfig(node.Arguments[0], process ?? "", weight, reverse, quorum, node.Location);
        }

        public void Instance(ConfigNode node, InstanceBuilder instance)
        {
            var raw = instance.Raw;
            if (!SupportedInstance.Contains(node.Keyword))
            {
                Misplaced(node, VrrpInstance, SupportedInstance, UnsupportedInstance);
                return;
            }
            switch (node.Keyword)
            {
                case "state":
                    raw.InitialStateAt = node.Location;
                    raw.State = Word(node)?.ToUpperInvariant() switch
                    {
                        "MASTER" => RouterState.Master,
                        "BACKUP" => RouterState.Backup,
                        null => null,
                        var other => Invalid<RouterState?>(node, $"state {other}: use MASTER or BACKUP"),
                    };
                    break;
                case "interface": raw.Interface = Word(node); break;
                case "virtual_router_id": raw.VirtualRouterId = (byte?)Integer(node, 1, 255); break;
                case "priority": raw.Priority = (byte)(Integer(node, 1, 255) ?? raw.Priority); break;
                case "advert_int":
                    raw.AdvertInt = Decimal(node);
                    raw.AdvertIntAt = node.Location;
                    break;
                case "version": raw.Version = Version(node); break;
                case "authentication": Authentication(node, raw); break;
                case "virtual_ipaddress": VirtualAddresses(node, raw); break;
                case "unicast_src_ip" or "mcast_src_ip": raw.UnicastSource = Address(node, FirstArgument(node), null); break;
                case "unicast_peer":
                    raw.PeersAt = node.Location;
                    foreach (var peer in BlockItems(node))
                    {
                        if (Address(peer, peer.Keyword, null) is { } address)
                            raw.Peers.Add(address);
                        if (peer.Arguments.Count > 0)
                            Warning(peer.Location, $"peer options ({string.Join(' ', peer.Arguments)}) are not supported; the TTL of unicast adverts is not checked");
                    }
                    break;
                case "track_script": raw.Scripts.AddRange(TrackReferences(node)); break;
                case "track_interface": raw.Interfaces.AddRange(TrackReferences(node)); break;
                case "track_process": raw.Processes.AddRange(TrackReferences(node)); break;
                case "nopreempt": NoArguments(node); raw.NoPreempt = true; raw.NoPreemptAt = node.Location; break;
                case "preempt": NoArguments(node); raw.NoPreempt = false; break;
                case "preempt_delay":
                    raw.PreemptDelay = Seconds(node, 0, 1000) ?? TimeSpan.Zero;
                    raw.PreemptDelayAt = node.Location;
                    break;
                case "garp_master_delay" when Seconds(node, 0, 1000) is { } delay: raw.GarpOverrides.Add(g => g with { Delay = delay }); break;
                case "garp_master_repeat" when Integer(node, 1, 10000) is { } repeat: raw.GarpOverrides.Add(g => g with { Repeat = repeat }); break;
                case "garp_master_refresh" when Seconds(node, 0, 100000) is { } refresh: raw.GarpOverrides.Add(g => g with { Refresh = refresh }); break;
                case "garp_master_refresh_repeat" when Integer(node, 1, 10000) is { } refreshRepeat: raw.GarpOverrides.Add(g => g with { RefreshRepeat = refreshRepeat }); break;
                case "garp_lower_prio_repeat" when Integer(node, 0, 10000) is { } lowerRepeat: raw.GarpOverrides.Add(g => g with { LowerPriorityRepeat = lowerRepeat }); break;
                case "garp_master_delay" or "garp_master_repeat" or "garp_master_refresh" or "garp_master_refresh_repeat" or "garp_lower_prio_repeat":
                    break; // a bad value: already reported
                case "notify_master": raw.Notify = raw.Notify with { Master = Command(node) }; break;
                case "notify_backup": raw.Notify = raw.Notify with { Backup = Command(node) }; break;
                case "notify_fault": raw.Notify = raw.Notify with { Fault = Command(node) }; break;
                case "notify_stop": raw.Notify = raw.Notify with { Stop = Command(node) }; break;
                case "notify": raw.Notify = raw.Notify with { Any = Command(node) }; break;
                case "accept": NoArguments(node); raw.Accept = true; raw.AcceptAt = node.Location; break;
                case "no_accept": NoArguments(node); raw.Accept = false; break;
                case "v3_checksum_as_v2": NoArguments(node); raw.ChecksumAsV2 = true; break;
                case "lower_prio_no_advert": raw.LowerPriorityNoAdvert = OptionalBool(node); break;
                case "higher_prio_send_advert": raw.HigherPriorityAdvert = OptionalBool(node); raw.HigherPriorityAdvertAt = node.Location; break;
                case "check_unicast_src": NoArguments(node); raw.CheckUnicastSource = true; break;
                case "strict_mode": raw.StrictMode = OptionalBool(node); break;
            }
        }

        private void Authentication(ConfigNode node, RawInstance raw)
        {
            raw.AuthenticationAt = node.Location;
            foreach (var child in BlockItems(node))
            {
                switch (child.Keyword)
                {
                    case "auth_type":
                        raw.AuthType = Word(child)?.ToUpperInvariant() switch
                        {
                            "PASS" => AuthenticationType.SimplePassword,
                            "AH" => Invalid<AuthenticationType>(child, "auth_type AH (IPsec AH) is not supported by hastack-vrrpd; use PASS, or no authentication block"),
                            null => AuthenticationType.None,
                            var other => Invalid<AuthenticationType>(child, $"auth_type {other}: use PASS"),
                        };
                        break;
                    case "auth_pass":
                        raw.AuthPassword = Word(child);
                        if (raw.AuthPassword is { Length: > Advertisement.AuthDataLength })
                            Warning(child.Location, $"auth_pass is {raw.AuthPassword.Length} characters; VRRPv2 carries only the first 8 (as keepalived does), so peers must share those 8");
                        break;
                    default:
                        Error(child.Location, LooksLikeKeyword(child.Keyword)
                            ? $"unknown keyword '{child.Keyword}' in authentication; it takes auth_type and auth_pass"
                            : "this line is not a keepalived statement; authentication takes auth_type and auth_pass");
                        break;
                }
            }
            if (raw.AuthType == AuthenticationType.SimplePassword && string.IsNullOrEmpty(raw.AuthPassword))
                Error(node.Location, "auth_type PASS needs an auth_pass (up to 8 characters) shared by every router of the group");
        }

        private void VirtualAddresses(ConfigNode node, RawInstance raw)
        {
            foreach (var item in BlockItems(node))
            {
                var text = item.Keyword;
                var slash = text.IndexOf('/', StringComparison.Ordinal);
                var address = Address(item, slash < 0 ? text : text[..slash], null);
                if (address is null)
                    continue;
                var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                var prefix = maxPrefix;
                if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix is < 1 || prefix > maxPrefix))
                {
                    Error(item.Location, $"{InterfaceName.Printable(text)}: the prefix length must be 1 to {maxPrefix}, e.g. {address}/24");
                    continue;
                }
                string? device = null, label = null;
                for (var i = 0; i < item.Arguments.Count; i++)
                {
                    var option = item.Arguments[i];
                    var value = i + 1 < item.Arguments.Count ? item.Arguments[i + 1] : null;
                    switch (option)
                    {
                        case "dev" when value is not null: device = value; i++; break;
                        case "label" when value is not null: label = value; i++; break;
                        case "brd" or "scope" or "metric" when value is not null:
                            Warning(item.Location, $"address option '{option} {value}' is not supported; it is ignored");
                            i++;
                            break;
                        default:
                            Warning(item.Location, $"address option '{option}' is not supported; it is ignored");
                            break;
                    }
                }
                raw.Addresses.Add(new VirtualAddress(address, prefix, device, label));
            }
        }

        private IEnumerable<TrackReference> TrackReferences(ConfigNode node)
        {
            foreach (var item in BlockItems(node))
            {
                int? weight = null;
                var reverse = false;
                if (item.Arguments.Count >= 2 && item.Arguments[0] == "weight")
                {
                    weight = IntegerText(item, item.Arguments[1], TrackerArithmeticLimits.MinimumWeight, TrackerArithmeticLimits.MaximumWeight);
                    reverse = Reverse(item, 2);
                }
                else if (item.Arguments.Count > 0)
                {
                    Error(item.Location, $"{item.Keyword} {string.Join(' ', item.Arguments)}: the only option is 'weight N [reverse]'");
                }
                yield return new TrackReference(item.Keyword, weight, reverse, item.Location);
            }
        }

        private static string? FirstArgument(ConfigNode node) => node.Arguments.Count > 0 ? node.Arguments[0] : null;

        private IReadOnlyList<ConfigNode> BlockItems(ConfigNode node)
        {
            if (node.Block is not null)
                return node.Block;
            Error(node.Location, $"{node.Keyword} needs a block: {node.Keyword} {{ ... }}");
            return [];
        }

        private bool Reverse(ConfigNode node, int index)
        {
            var args = node.Arguments;
            if (args.Count <= index)
                return false;
            if (args[index] == "reverse")
                return true;
            Error(node.Location, $"'{args[index]}' after the weight: only 'reverse' may follow it");
            return false;
        }

        private T Invalid<T>(ConfigNode node, string message)
        {
            Error(node.Location, message);
            return default!;
        }

        private string? Word(ConfigNode node)
        {
            if (node.Arguments.Count == 0)
            {
                Error(node.Location, $"{node.Keyword} needs a value");
                return null;
            }
            if (node.Arguments.Count > 1 && node.Keyword is not ("script_user" or "user"))
                Warning(node.Location, $"{node.Keyword} takes one value; '{string.Join(' ', node.Arguments.Skip(1))}' is ignored");
            return node.Arguments[0];
        }

        private string? Command(ConfigNode node)
        {
            if (node.Arguments.Count > 0)
                return string.Join(' ', node.Arguments);
            Error(node.Location, $"{node.Keyword} needs a script to run, e.g. {node.Keyword} \"/etc/hastack/notify.sh\"");
            return null;
        }

        private void NoArguments(ConfigNode node)
        {
            if (node.Arguments.Count > 0)
                Warning(node.Location, $"{node.Keyword} takes no value; '{string.Join(' ', node.Arguments)}' is ignored");
        }

        private bool OptionalBool(ConfigNode node)
        {
            if (node.Arguments.Count == 0)
                return true;
            switch (node.Arguments[0].ToLowerInvariant())
            {
                case "true" or "on" or "yes": return true;
                case "false" or "off" or "no": return false;
                default:
                    Error(node.Location, $"{node.Keyword} {node.Arguments[0]}: use true or false (or nothing, meaning true)");
                    return false;
            }
        }

        private VrrpVersion? Version(ConfigNode node) => Word(node) switch
        {
            "2" => VrrpVersion.V2,
            "3" => VrrpVersion.V3,
            null => null,
            var other => Invalid<VrrpVersion?>(node, $"{node.Keyword} {other}: use 2 (RFC 3768) or 3 (RFC 9568)"),
        };

        private int? Integer(ConfigNode node, int min, int max) =>
            Word(node) is { } text ? IntegerText(node, text, min, max) : null;

        private int? IntegerText(ConfigNode node, string text, int min, int max)
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                return value;
            Error(node.Location, $"{node.Keyword} {text}: must be a whole number from {min} to {max}");
            return null;
        }

        private decimal? Decimal(ConfigNode node)
        {
            if (Word(node) is not { } text)
                return null;
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return value;
            Error(node.Location, $"{node.Keyword} {text}: must be a number of seconds, e.g. 1 or 0.1");
            return null;
        }

        private TimeSpan? Seconds(ConfigNode node, decimal min, decimal max)
        {
            if (Decimal(node) is not { } value)
                return null;
            if (value >= min && value <= max)
                return TimeSpan.FromTicks((long)(value * TimeSpan.TicksPerSecond));
            Error(node.Location, $"{node.Keyword} {value}: must be from {min} to {max} seconds");
            return null;
        }

        private static string? NotUnicast(IPAddress address)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
                return address.Equals(IPAddress.IPv6Any) ? "the unspecified address" : address.IsIPv6Multicast ? "a multicast address" : null;
            var first = address.GetAddressBytes()[0];
            return first == 0 ? "in 0.0.0.0/8 (\"this network\")"
                : first is >= 224 and <= 239 ? "a multicast address (224.0.0.0/4; VRRP's own group is 224.0.0.18)"
                : first >= 240 ? (address.Equals(IPAddress.Broadcast) ? "the broadcast address" : "in the reserved 240.0.0.0/4")
                : null;
        }

        private IPAddress? Address(ConfigNode node, string? text, AddressFamily? family)
        {
            if (text is null)
            {
                Error(node.Location, $"{node.Keyword} needs an IP address");
                return null;
            }
            if (IPAddress.TryParse(text, out var address) && (family is null || address.AddressFamily == family)
                && text.Count(c => c == '.') is 3 or 0
                // 10.0.0.0100 parses as 10.0.0.100; each program reading such text reads it its own way
                && (address.AddressFamily != AddressFamily.InterNetwork || address.ToString() == text))
            {
                if (NotUnicast(address) is not { } kind)
                    return address;
                Error(node.Location, $"'{text}' is {kind}: no router can own it or be reached at it; write a unicast address like 10.0.0.100");
                return null;
            }
            Error(node.Location, $"'{InterfaceName.Printable(text)}' is not an IP{(family == AddressFamily.InterNetwork ? "v4" : "")} address; write it like 10.0.0.100 (no leading zeros)");
            return null;
        }
    }
}

/// <summary>The weight range keepalived accepts (keepalived.conf(5): -253..253).</summary>
internal static class TrackerArithmeticLimits
{
    public const int MinimumWeight = Tracking.TrackerArithmetic.MinimumWeight;
    public const int MaximumWeight = Tracking.TrackerArithmetic.MaximumWeight;
}
