using System.Net;
using HaStack.Vrrp.Config;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;
using HaStack.Vrrpd.Linux;
using HaStack.Vrrpd.Trackers;

namespace HaStack.Vrrpd.Daemon;

/// <summary>
/// One vrrp_instance on the wire: feeds events to the pure state machine and carries out its actions
/// (adverts, addresses, gratuitous ARP, notify scripts), keeping the GARP schedule of keepalived.
/// </summary>
internal sealed class InstanceRunner : IDisposable
{
    private readonly VrrpSocket socket;
    private readonly NetlinkAddresses netlink;
    private readonly GratuitousArp arp;
    private readonly NetworkInterfaceInfo nic;
    private readonly DaemonStatus.InstanceStatus status;
    private readonly DaemonStatus daemonStatus;
    private readonly string scriptUser;
    private readonly Action<string> log;
    private readonly IPAddress source;
    private readonly IPAddress[] addresses;
    private readonly IPAddress multicastGroup;
    private TimeSpan? nextGarpBurst;
    private TimeSpan? nextGarpRefresh;

    public InstanceConfig Config { get; }
    public RouterSettings Settings { get; }
    public RouterSnapshot State { get; private set; }
    public ReceivePolicy Policy { get; }

    public InstanceRunner(InstanceConfig config, GlobalSettings global, NetworkInterfaceInfo nic, VrrpSocket socket,
        NetlinkAddresses netlink, DaemonStatus daemonStatus, string scriptUser, Action<string> log)
    {
        Config = config;
        this.nic = nic;
        this.socket = socket;
        this.netlink = netlink;
        this.daemonStatus = daemonStatus;
        this.scriptUser = scriptUser;
        this.log = log;
        addresses = config.VirtualAddresses.Select(a => a.Address).ToArray();
        multicastGroup = global.MulticastGroup ?? VrrpSocket.VrrpGroup;
        source = config.UnicastSource ?? nic.PrimaryAddress
            ?? throw new InvalidOperationException($"{config.Name}: {nic.Name} has no IPv4 address of its own to send from");
        arp = new GratuitousArp(nic.Index, nic.Mac);
        Settings = new RouterSettings(config.Version, config.VirtualRouterId, source, config.Priority, config.AdvertIntervalCentiseconds,
            config.Preempt, config.PreemptDelay, config.LowerPriorityNoAdvert, config.GratuitousArp.LowerPriorityRepeat > 0,
            config.HigherPriorityAdvert);
        State = RouterSnapshot.Initial(Settings);
        Policy = new ReceivePolicy(config.Version, config.VirtualRouterId, config.IntervalField, addresses, config.AuthType,
            config.AuthPassword is null ? null : Advertisement.PasswordAuthData(config.AuthPassword),
            config.UnicastPeers.Count > 0 ? config.UnicastPeers : null,
            ChecksumAcceptance.Both, config.Priority == Advertisement.OwnerPriority);
        status = new DaemonStatus.InstanceStatus
        {
            Name = config.Name,
            VirtualRouterId = config.VirtualRouterId,
            ConfiguredPriority = config.Priority,
            Priority = config.Priority,
        };
        daemonStatus.SetInstance(status);
    }

    public TimeSpan? NextDeadline => new[] { State.NextDeadline, nextGarpBurst, nextGarpRefresh }.Where(d => d is not null).Min();

    /// <summary>Replaces the state of an unchanged instance on reload, so it carries on where it was.</summary>
    public void Adopt(RouterSnapshot state, DaemonStatus.InstanceStatus previous, TimeSpan? garpBurst, TimeSpan? garpRefresh)
    {
        State = state;
        (nextGarpBurst, nextGarpRefresh) = (garpBurst, garpRefresh);
        daemonStatus.Update(_ =>
        {
            status.State = previous.State;
            status.Priority = previous.Priority;
            status.MasterAddress = previous.MasterAddress;
            status.Transitions = previous.Transitions;
            status.AdvertsSent = previous.AdvertsSent;
            status.AdvertsReceived = previous.AdvertsReceived;
            status.GratuitousArpsSent = previous.GratuitousArpsSent;
            status.ConnectionsClosed = previous.ConnectionsClosed;
            status.LastReason = previous.LastReason;
        });
    }

    public DaemonStatus.InstanceStatus Status => status;
    public (TimeSpan? Burst, TimeSpan? Refresh) GarpSchedule => (nextGarpBurst, nextGarpRefresh);

    /// <summary>Removes our addresses if a crash left them behind (we are not master yet, so they are not ours to hold).</summary>
    public void RemoveLeftoverAddresses()
    {
        foreach (var address in Config.VirtualAddresses)
        {
            if (netlink.Remove(nic.Index, address.Address, address.PrefixLength))
            {
                // a leftover's connections are closed after it is gone: their resets cannot leave from an address
                // the host no longer has, but the local services at least let them go
                var closed = ConnectionCloser.CloseConnectionsOn(address.Address, log);
                log($"{Config.Name}: removed {address} left over from an earlier run, and closed {closed} connection(s) on it");
            }
        }
    }

    /// <summary>
    /// Gives up an address with its connections: they are closed first, while the address is still here, so the
    /// kernel's reset reaches each client (from an address the host no longer has it would not leave); then the
    /// address goes, then whatever was accepted in between is closed too. Left alone, such a connection lingers:
    /// the new holder cannot answer for it, and a client waiting for a reply would wait until TCP gives up.
    /// </summary>
    private int RemoveClosingConnections(VirtualAddress address)
    {
        var closed = ConnectionCloser.CloseConnectionsOn(address.Address, log);
        netlink.Remove(nic.Index, address.Address, address.PrefixLength);
        closed += ConnectionCloser.CloseConnectionsOn(address.Address, log);
        daemonStatus.Update(_ => status.ConnectionsClosed += closed);
        return closed;
    }

    public void Handle(RouterEvent e, TimeSpan now)
    {
        var transition = VirtualRouter.Handle(Settings, State, e, now);
        State = transition.Next;
        foreach (var action in transition.Actions)
            Carry(action, now);
        daemonStatus.Update(_ =>
        {
            status.State = State.State;
            status.Priority = State.Priority;
            status.MasterAddress = State.MasterAddress?.ToString();
        });
    }

    public void AdvertisementReceived(Advertisement advert, IPAddress from, TimeSpan now)
    {
        daemonStatus.Update(_ => status.AdvertsReceived++);
        Handle(new RouterEvent.AdvertisementReceived(advert.Priority, advert.IntervalCentiseconds, from), now);
    }

    /// <summary>Fires whatever falls due at now: the state machine's timers and the GARP schedule.</summary>
    public void Tick(TimeSpan now)
    {
        if (State.MasterDownAt is { } down && down <= now)
            Handle(new RouterEvent.TimerExpired(TimerKind.MasterDown), now);
        if (State.AdvertisementAt is { } advert && advert <= now)
            Handle(new RouterEvent.TimerExpired(TimerKind.Advertisement), now);
        if (nextGarpBurst is { } burst && burst <= now)
        {
            nextGarpBurst = null;
            if (State.State == RouterState.Master)
                SendGratuitousArps(Config.GratuitousArp.Repeat);
        }
        if (nextGarpRefresh is { } refresh && refresh <= now)
        {
            nextGarpRefresh = State.State == RouterState.Master ? now + Config.GratuitousArp.Refresh : null;
            if (State.State == RouterState.Master)
                SendGratuitousArps(Config.GratuitousArp.RefreshRepeat);
        }
    }

    private void Carry(RouterAction action, TimeSpan now)
    {
        switch (action)
        {
            case RouterAction.SendAdvertisement send:
                SendAdvertisement(send.Priority);
                break;
            case RouterAction.AddVirtualAddresses:
                foreach (var address in Config.VirtualAddresses)
                    netlink.Add(nic.Index, address.Address, address.PrefixLength, address.Label);
                break;
            case RouterAction.RemoveVirtualAddresses:
                foreach (var address in Config.VirtualAddresses)
                {
                    var closed = RemoveClosingConnections(address);
                    if (closed > 0)
                        log($"{Config.Name}: closed {closed} connection(s) on {address.Address}, which this host no longer holds");
                }
                nextGarpBurst = nextGarpRefresh = null;
                break;
            case RouterAction.SendGratuitousArp garp:
                var becameMaster = garp.Reason == "became master";
                SendGratuitousArps(becameMaster ? Config.GratuitousArp.Repeat : Config.GratuitousArp.LowerPriorityRepeat);
                // a second burst after garp_master_delay, at a split brain's end too (keepalived has garp_lower_prio_delay
                // for it): a neighbour ignores an address change within 1 s of its last one (arp locktime), and the
                // yielding master may have announced itself just before
                if (Config.GratuitousArp.Delay > TimeSpan.Zero && (becameMaster || Config.GratuitousArp.LowerPriorityRepeat > 0))
                    nextGarpBurst = now + Config.GratuitousArp.Delay;
                if (becameMaster && Config.GratuitousArp.Refresh > TimeSpan.Zero)
                    nextGarpRefresh = now + Config.GratuitousArp.Refresh;
                break;
            case RouterAction.Notify notify:
                Transitioned(notify);
                break;
        }
    }

    private void SendAdvertisement(byte priority)
    {
        var advert = new Advertisement(Config.Version, Config.VirtualRouterId, priority, Config.IntervalField, addresses,
            Config.AuthType, Policy.AuthData);
        // vrrp_mcast_group4: the group the socket joined is the group adverts go to
        var destinations = Config.UnicastPeers.Count > 0 ? Config.UnicastPeers : (IReadOnlyList<IPAddress>)[multicastGroup];
        foreach (var destination in destinations)
        {
            try
            {
                socket.Send(AdvertisementCodec.Encode(advert, source, destination, Config.V3Checksum), destination);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                log($"{Config.Name}: advert to {destination} not sent: {e.Message}");
            }
        }
        daemonStatus.Update(_ => status.AdvertsSent++);
    }

    private void SendGratuitousArps(int count)
    {
        for (var i = 0; i < count; i++)
        {
            foreach (var address in addresses)
                arp.Send(address);
        }
        daemonStatus.Update(_ => status.GratuitousArpsSent += count * addresses.Length);
    }

    private void Transitioned(RouterAction.Notify notify)
    {
        log($"{Config.Name}: {Name(notify.From)} -> {Name(notify.To)}: {notify.Reason} (priority {State.Priority})");
        daemonStatus.Update(_ =>
        {
            status.Transitions++;
            status.LastReason = notify.Reason;
        });
        var specific = notify.To switch
        {
            RouterState.Master => Config.Notify.Master,
            RouterState.Backup => Config.Notify.Backup,
            RouterState.Fault => Config.Notify.Fault,
            RouterState.Initialize => Config.Notify.Stop,
            _ => null,
        };
        if (specific is not null)
            ScriptRunner.Launch(specific, [], scriptUser, log);
        if (Config.Notify.Any is { } any)
        {
            var state = notify.To == RouterState.Initialize ? "STOP" : Name(notify.To);
            ScriptRunner.Launch(any, ["INSTANCE", Config.Name, state, State.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)], scriptUser, log);
        }
    }

    private static string Name(RouterState state) => state.ToString().ToUpperInvariant();

    public void Dispose() => arp.Dispose();
}
