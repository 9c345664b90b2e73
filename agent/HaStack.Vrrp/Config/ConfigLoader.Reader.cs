using System.Globalization;
using System.Net.Sockets;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;
using static HaStack.Vrrp.Config.KeepalivedKeywords;

namespace HaStack.Vrrp.Config;

public static partial class ConfigLoader
{
    /// <summary>Reads each block's keywords into the builders, with a diagnostic for what it cannot use.</summary>
    private sealed partial class Reader(List<Diagnostic> diagnostics)
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
    }
}
