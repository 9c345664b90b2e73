using System.Net;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrp.Config;

public static partial class ConfigLoader
{
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
}
