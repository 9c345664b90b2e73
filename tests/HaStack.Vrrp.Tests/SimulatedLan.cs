using System.Net;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrp.Tests;

/// <summary>
/// Several virtual routers on one simulated link with a fake clock: adverts are delivered at once to every
/// router whose link is up, timers fire when the clock passes them. Only the pure state machine runs.
/// </summary>
internal sealed class SimulatedLan
{
    public TimeSpan Now { get; private set; }
    public List<SimulatedRouter> Routers { get; } = [];
    private readonly Queue<(SimulatedRouter From, byte Priority)> inFlight = new();

    public SimulatedRouter Add(string name, byte priority, string address, VrrpVersion version = VrrpVersion.V3,
        int intervalCentiseconds = 100, bool preempt = true, TimeSpan preemptDelay = default, bool higherPriorityAdvert = false)
    {
        var settings = new RouterSettings(version, 51, IPAddress.Parse(address), priority, intervalCentiseconds, preempt, preemptDelay,
            HigherPriorityAdvert: higherPriorityAdvert);
        var router = new SimulatedRouter(name, settings);
        Routers.Add(router);
        return router;
    }

    public SimulatedRouter this[string name] => Routers.Single(r => r.Name == name);

    public IEnumerable<SimulatedRouter> Masters => Routers.Where(r => r.State.State == RouterState.Master);

    public void Apply(SimulatedRouter router, RouterEvent e)
    {
        var transition = VirtualRouter.Handle(router.Settings, router.State, e, Now);
        router.State = transition.Next;
        foreach (var action in transition.Actions)
        {
            router.Log.Add((Now, action));
            switch (action)
            {
                case RouterAction.SendAdvertisement send when router.LinkUp:
                    inFlight.Enqueue((router, send.Priority));
                    break;
                case RouterAction.AddVirtualAddresses:
                    router.HoldsAddresses = true;
                    break;
                case RouterAction.RemoveVirtualAddresses:
                    router.HoldsAddresses = false;
                    break;
            }
        }
        while (inFlight.TryDequeue(out var advert))
        {
            foreach (var receiver in Routers.Where(r => r != advert.From && r.LinkUp && r.State.State != RouterState.Initialize))
            {
                Apply(receiver, new RouterEvent.AdvertisementReceived(advert.Priority,
                    advert.From.Settings.AdvertisementIntervalCentiseconds, advert.From.Settings.PrimaryAddress));
            }
        }
    }

    public void Start(params SimulatedRouter[] routers)
    {
        foreach (var router in routers.Length == 0 ? Routers.ToArray() : routers)
            Apply(router, new RouterEvent.Startup());
    }

    /// <summary>Advances the clock to until, firing every timer that falls due on the way, in order.</summary>
    public void RunUntil(TimeSpan until)
    {
        for (var guard = 0; guard < 100_000; guard++)
        {
            var next = Routers.Where(r => r.State.NextDeadline is not null)
                .Select(r => (Router: r, At: r.State.NextDeadline!.Value))
                .Where(x => x.At <= until)
                .OrderBy(x => x.At)
                .FirstOrDefault();
            if (next.Router is null)
            {
                Now = until;
                return;
            }
            Now = next.At;
            var kind = next.Router.State.MasterDownAt == next.At ? TimerKind.MasterDown : TimerKind.Advertisement;
            Apply(next.Router, new RouterEvent.TimerExpired(kind));
        }
        throw new InvalidOperationException("timers did not settle");
    }

    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>When the router last moved into state, after since.</summary>
    public static TimeSpan? BecameAt(SimulatedRouter router, RouterState state, TimeSpan since) =>
        router.Log.Where(l => l.At >= since && l.Action is RouterAction.Notify n && n.To == state)
            .Select(l => (TimeSpan?)l.At).FirstOrDefault();
}

internal sealed class SimulatedRouter(string name, RouterSettings settings)
{
    public string Name { get; } = name;
    public RouterSettings Settings { get; } = settings;
    public RouterSnapshot State { get; set; } = RouterSnapshot.Initial(settings);
    public bool LinkUp { get; set; } = true;
    public bool HoldsAddresses { get; set; }
    public List<(TimeSpan At, RouterAction Action)> Log { get; } = [];

    public int CountSince<T>(TimeSpan since) where T : RouterAction => Log.Count(l => l.At >= since && l.Action is T);

    public override string ToString() => $"{Name} {State.State} prio {State.Priority}";
}
