using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using HaStack.Vrrp.Config;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;
using HaStack.Vrrp.Tracking;
using HaStack.Vrrpd.Linux;
using HaStack.Vrrpd.Trackers;

namespace HaStack.Vrrpd.Daemon;

/// <summary>
/// The daemon: one thread runs every instance's state machine from a queue of events (packets, tracker
/// results, signals) and the instances' deadlines; receivers and trackers run on threads of their own and
/// only post events. SIGTERM steps down cleanly (priority-0 adverts, addresses removed); SIGHUP reloads.
/// </summary>
internal sealed class VrrpDaemon : IDisposable
{
    private abstract record DaemonEvent
    {
        public sealed record Packet(byte[] Bytes) : DaemonEvent;
        public sealed record TrackerHealth(string Key, bool Healthy) : DaemonEvent;
        public sealed record ScriptResult(string Key, bool Succeeded) : DaemonEvent;
        public sealed record Signal(PosixSignal Kind) : DaemonEvent;
    }

    /// <summary>Far more than any burst of real adverts and tracker results between two turns of the loop.</summary>
    private const int MaxQueuedEvents = 4096;

    private readonly string configPath;
    private readonly EventInbox<DaemonEvent> events = new(MaxQueuedEvents);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly DaemonStatus status = new();
    private readonly NetlinkAddresses netlink = new();
    private readonly SystemdNotifier systemd = new();
    private readonly Dictionary<string, VrrpSocket> sockets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> health = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrackerHealth> scriptHealth = new(StringComparer.Ordinal);
    private readonly List<InstanceRunner> runners = [];
    private VrrpdConfig config = null!;
    private CancellationTokenSource trackersStop = new();
    private readonly CancellationTokenSource receiversStop = new();
    private TimeSpan nextWatchdog;

    public VrrpDaemon(string configPath) => this.configPath = configPath;

    private TimeSpan Now => clock.Elapsed;

    private static void Log(string message) =>
        Console.Error.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} hastack-vrrpd: {message}");

    public int Run(IPEndPoint? statusEndpoint)
    {
        var loaded = Load();
        if (loaded is null)
            return 1;
        config = loaded;
        status.RouterId = config.Global.RouterId ?? Environment.MachineName;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            events.Add(new DaemonEvent.Signal(PosixSignal.SIGHUP));
        });
        using var server = statusEndpoint is null ? null : new StatusServer(status, statusEndpoint, Log);
        server?.Start();

        StartInstances(config, previous: []);
        systemd.Send("READY=1\nSTATUS=" + StatusLine());
        Log($"{status.RouterId}: running {runners.Count} instance(s) from {configPath}");

        while (true)
        {
            var now = Now;
            foreach (var runner in runners)
                Guarded("a timer", () => runner.Tick(now));
            Watchdog(now);
            var deadline = runners.Select(r => r.NextDeadline).Where(d => d is not null).Min() ?? now + TimeSpan.FromSeconds(1);
            if (systemd.WatchdogInterval is not null && nextWatchdog < deadline)
                deadline = nextWatchdog;
            var wait = deadline - Now;
            if (!events.TryTake(out var e, wait <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(wait.TotalMilliseconds)))
                continue;
            do
            {
                if (e is DaemonEvent.Signal { Kind: PosixSignal.SIGTERM })
                    return Shutdown();
                Guarded(e.GetType().Name.ToLowerInvariant(), () => Handle(e));
            }
            while (events.TryTake(out e));
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            events.Add(new DaemonEvent.Signal(PosixSignal.SIGTERM));
        }
    }

    /// <summary>
    /// One event's failure (a netlink error adding an address, a socket error sending an advert) is logged and
    /// counted, never fatal: the daemon that keeps running can still step down, answer and try again.
    /// </summary>
    private void Guarded(string what, Action handle)
    {
        try
        {
            handle();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            status.CountEventError();
            Log($"handling {what} failed, the daemon goes on: {e.GetType().Name}: {e.Message}");
        }
    }

    private VrrpdConfig? Load()
    {
        var result = ConfigLoader.Load(configPath, new FileConfigSource());
        foreach (var diagnostic in result.Diagnostics)
            Log(diagnostic.ToString());
        if (result.HasErrors || result.Config is null)
        {
            Log($"{configPath} has errors; see above");
            return null;
        }
        return result.Config;
    }

    private void Handle(DaemonEvent e)
    {
        switch (e)
        {
            case DaemonEvent.Packet packet:
                Received(packet.Bytes);
                break;
            case DaemonEvent.ScriptResult result:
                var spec = config.Scripts.FirstOrDefault(s => Key("script", s.Name) == result.Key);
                if (spec is null)
                    return;
                var before = scriptHealth.GetValueOrDefault(result.Key, TrackerHealth.Initial(spec.InitFail));
                var after = before.Record(result.Succeeded, spec.Rise, spec.Fall);
                scriptHealth[result.Key] = after;
                if (after.Healthy != before.Healthy || !health.ContainsKey(result.Key))
                    TrackerChanged(result.Key, after.Healthy);
                break;
            case DaemonEvent.TrackerHealth tracker:
                TrackerChanged(tracker.Key, tracker.Healthy);
                break;
            case DaemonEvent.Signal { Kind: PosixSignal.SIGHUP }:
                Reload();
                break;
        }
    }

    private readonly Dictionary<DropReason, TimeSpan> lastDropLog = [];

    private void Received(byte[] bytes)
    {
        var byVrid = runners.ToDictionary(r => r.Config.VirtualRouterId, r => r);
        var result = ReceiveValidator.ValidateIpv4(bytes, vrid => byVrid.TryGetValue(vrid, out var r) ? r.Policy : null);
        if (result.Drop is { } reason)
        {
            status.CountDrop(reason);
            // RFC 9568 §7.1: log drops, rate-limited (one line per reason per 10 s)
            if (!lastDropLog.TryGetValue(reason, out var last) || Now - last > TimeSpan.FromSeconds(10))
            {
                lastDropLog[reason] = Now;
                var (ip, _) = Ipv4Packet.Parse(bytes);
                Log($"dropped a packet from {ip?.Source}: {reason.Code()}");
            }
            return;
        }
        var (header, _) = Ipv4Packet.Parse(bytes);
        var runner = byVrid[result.Advertisement!.VirtualRouterId];
        if (header!.Value.Source.Equals(runner.Settings.PrimaryAddress))
            return; // our own, looped back
        runner.AdvertisementReceived(result.Advertisement, header.Value.Source, Now);
    }

    private void TrackerChanged(string key, bool healthy)
    {
        var changed = !health.TryGetValue(key, out var previous) || previous != healthy;
        health[key] = healthy;
        status.SetTracker(key, healthy);
        if (!changed)
            return;
        Log($"tracker {key} is {(healthy ? "healthy" : "failing")}");
        foreach (var runner in runners)
            ApplyTrackers(runner);
        systemd.Send("STATUS=" + StatusLine());
    }

    private void ApplyTrackers(InstanceRunner runner)
    {
        var effective = TrackerArithmetic.Compute(runner.Config.Priority, TrackersOf(runner.Config));
        if (!effective.Fault && effective.Priority != runner.State.Priority)
            runner.Handle(new RouterEvent.PriorityChanged(effective.Priority), Now);
        if (effective.Fault != runner.State.Faulted)
            runner.Handle(new RouterEvent.FaultChanged(effective.Fault, effective.FaultReason ?? "trackers healthy again"), Now);
    }

    private IEnumerable<(string, TrackerWeight, bool)> TrackersOf(InstanceConfig instance)
    {
        // keepalived tracks the instance's own interface (a fault when it is down)
        yield return (Key("interface", instance.Interface), new TrackerWeight(0), health.GetValueOrDefault(Key("interface", instance.Interface), true));
        foreach (var reference in instance.TrackInterfaces)
            yield return (Key("interface", reference.Name), new TrackerWeight(reference.Weight ?? 0, reference.Reverse), health.GetValueOrDefault(Key("interface", reference.Name), true));
        foreach (var reference in instance.TrackScripts)
        {
            var script = config.Scripts.First(s => s.Name == reference.Name);
            var key = Key("script", script.Name);
            yield return (key, new TrackerWeight(reference.Weight ?? script.Weight, reference.Weight is null ? script.Reverse : reference.Reverse),
                health.GetValueOrDefault(key, !script.InitFail));
        }
        foreach (var reference in instance.TrackProcesses)
        {
            var process = config.ProcessTrackers.First(p => p.Name == reference.Name);
            var key = Key("process", process.Name);
            yield return (key, new TrackerWeight(reference.Weight ?? process.Weight, reference.Weight is null ? process.Reverse : reference.Reverse),
                health.GetValueOrDefault(key, false));
        }
    }

    private static string Key(string kind, string name) => $"{kind}:{name}";

    private void StartInstances(VrrpdConfig next, Dictionary<string, InstanceRunner> previous)
    {
        StartTrackers(next);
        foreach (var instance in next.Instances)
        {
            var nic = NetworkInterfaceInfo.Read(instance.Interface, instance.VirtualAddresses.Select(a => a.Address).ToList());
            var group = next.Global.MulticastGroup ?? VrrpSocket.VrrpGroup;
            var source = instance.UnicastSource ?? nic.PrimaryAddress
                ?? throw new InvalidOperationException($"{instance.Name}: {nic.Name} has no IPv4 address");
            if (!sockets.TryGetValue(instance.Interface, out var socket))
            {
                socket = new VrrpSocket(nic, source, group);
                sockets[instance.Interface] = socket;
                StartReceiver(socket, instance.Interface);
            }
            var runner = new InstanceRunner(instance, next.Global, nic, socket, netlink, status,
                ScriptRunner.DefaultUser(next.Global.ScriptUser), Log);
            runners.Add(runner);
            if (previous.TryGetValue(instance.Name, out var old) && InstanceChange.Fingerprint(old.Config) == InstanceChange.Fingerprint(instance))
            {
                runner.Adopt(old.State, old.Status, old.GarpSchedule.Burst, old.GarpSchedule.Refresh);
                Log($"{instance.Name}: unchanged, stays {old.State.State.ToString().ToUpperInvariant()}");
                continue;
            }
            // a host joining or leaving the group changes the peers and the priorities, not the election: the instance
            // carries on (restarting it would drop the VIP and elect again on every host's reload)
            if (previous.TryGetValue(instance.Name, out old) && InstanceChange.OnlyPeersOrPriorityDiffer(old.Config, instance))
            {
                runner.Adopt(old.State, old.Status, old.GarpSchedule.Burst, old.GarpSchedule.Refresh);
                var adopted = TrackerArithmetic.Compute(instance.Priority, TrackersOf(instance));
                if (!adopted.Fault && adopted.Priority != old.State.Priority)
                    runner.Handle(new RouterEvent.PriorityChanged(adopted.Priority), Now);
                Log($"{instance.Name}: peers or priority changed, stays {old.State.State.ToString().ToUpperInvariant()} (priority {runner.State.Priority})");
                continue;
            }
            var effective = TrackerArithmetic.Compute(instance.Priority, TrackersOf(instance));
            if (effective.Fault)
                runner.Handle(new RouterEvent.FaultChanged(true, effective.FaultReason!), Now);
            else if (effective.Priority != instance.Priority)
                runner.Handle(new RouterEvent.PriorityChanged(effective.Priority), Now);
            if (!(instance.Priority == Advertisement.OwnerPriority && !effective.Fault))
                runner.RemoveLeftoverAddresses();
            runner.Handle(new RouterEvent.Startup(), Now);
        }
    }

    private void StartTrackers(VrrpdConfig next)
    {
        trackersStop = new CancellationTokenSource();
        var token = trackersStop.Token;
        void Post(string key, bool healthy) => events.Add(new DaemonEvent.TrackerHealth(key, healthy));
        void PostScript(string key, bool ok) => events.Add(new DaemonEvent.ScriptResult(key, ok));
        var user = ScriptRunner.DefaultUser(next.Global.ScriptUser);
        var interfaces = next.Instances.Select(i => i.Interface).Concat(next.Instances.SelectMany(i => i.TrackInterfaces.Select(t => t.Name))).Distinct();
        foreach (var name in interfaces)
        {
            health[Key("interface", name)] = NetworkInterfaceInfo.LinkIsUp(name);
            StartThread($"link {name}", new LinkWatcher(Key("interface", name), name, Post).Run, token);
        }
        var usedScripts = next.Instances.SelectMany(i => i.TrackScripts.Select(t => t.Name)).ToHashSet();
        foreach (var script in next.Scripts.Where(s => usedScripts.Contains(s.Name)))
            StartThread($"script {script.Name}", new ScriptRunner(Key("script", script.Name), script, script.User ?? user, PostScript, Log).Run, token);
        foreach (var process in next.ProcessTrackers)
        {
            // the first answer now, so startup does not begin in a fault that is not there
            health[Key("process", process.Name)] = ProcessWatcher.Count(process.Process) >= process.Quorum;
            status.SetTracker(Key("process", process.Name), health[Key("process", process.Name)]);
            StartThread($"process {process.Name}", new ProcessWatcher(Key("process", process.Name), process.Process, process.Quorum, Post).Run, token);
        }
    }

    private static void StartThread(string name, Action<CancellationToken> body, CancellationToken token) =>
        new Thread(() => body(token)) { IsBackground = true, Name = name }.Start();

    private void StartReceiver(VrrpSocket socket, string interfaceName)
    {
        new Thread(() =>
        {
            var buffer = new byte[65536];
            while (!receiversStop.IsCancellationRequested)
            {
                try
                {
                    var length = socket.Receive(buffer);
                    // bounded: a flood is dropped here (and counted) instead of growing the queue without end
                    if (!events.TryAddBounded(new DaemonEvent.Packet(buffer.AsSpan(0, length).ToArray())))
                        status.CountDrop(DropReason.QueueFull);
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    if (receiversStop.IsCancellationRequested)
                        return;
                    Log($"receive on {interfaceName}: {e.Message}");
                    Thread.Sleep(100);
                }
            }
        }) { IsBackground = true, Name = $"receive {interfaceName}" }.Start();
    }

    private void Reload()
    {
        Log($"SIGHUP: reloading {configPath}");
        var next = Load();
        if (next is null)
        {
            Log("reload refused: the running config stays");
            return;
        }
        trackersStop.Cancel();
        var previous = runners.ToDictionary(r => r.Config.Name, r => r);
        runners.Clear();
        foreach (var (name, old) in previous)
        {
            var kept = next.Instances.FirstOrDefault(i => i.Name == name);
            if (kept is null || (InstanceChange.Fingerprint(kept) != InstanceChange.Fingerprint(old.Config) && !InstanceChange.OnlyPeersOrPriorityDiffer(old.Config, kept)))
            {
                old.Handle(new RouterEvent.Shutdown(), Now);
                previous.Remove(name);
                status.RemoveInstance(name);
            }
            old.Dispose();
        }
        config = next;
        status.RouterId = config.Global.RouterId ?? Environment.MachineName;
        StartInstances(next, previous);
        systemd.Send("STATUS=" + StatusLine());
    }

    private int Shutdown()
    {
        Log("SIGTERM: stepping down");
        systemd.Send("STOPPING=1");
        foreach (var runner in runners)
            runner.Handle(new RouterEvent.Shutdown(), Now);
        trackersStop.Cancel();
        receiversStop.Cancel();
        return 0;
    }

    private void Watchdog(TimeSpan now)
    {
        if (systemd.WatchdogInterval is not { } interval || now < nextWatchdog)
            return;
        systemd.Send("WATCHDOG=1");
        nextWatchdog = now + interval;
    }

    private string StatusLine() =>
        string.Join(", ", runners.Select(r => $"{r.Config.Name} {r.State.State.ToString().ToUpperInvariant()} prio {r.State.Priority}"));

    public void Dispose()
    {
        foreach (var runner in runners)
            runner.Dispose();
        foreach (var socket in sockets.Values)
            socket.Dispose();
        netlink.Dispose();
        systemd.Dispose();
    }
}
