using System.Net;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Protocol;

/// <summary>
/// The VRRP state machine of one virtual router, as a pure function: (snapshot, event, now) → (snapshot,
/// actions). Section numbers are RFC 9568's (RFC 3768's match for v2 unless noted). The caller carries out the
/// actions in order and delivers timer events when a deadline passes; nothing here reads a clock or a socket.
/// </summary>
public static class VirtualRouter
{
    public static Transition Handle(RouterSettings settings, RouterSnapshot state, RouterEvent e, TimeSpan now)
    {
        var step = new Step(settings, state, now);
        switch (e)
        {
            case RouterEvent.Startup:
                step.Startup();
                break;
            case RouterEvent.Shutdown:
                step.Shutdown();
                break;
            case RouterEvent.TimerExpired timer:
                step.TimerExpired(timer.Timer);
                break;
            case RouterEvent.AdvertisementReceived advert:
                step.AdvertisementReceived(advert);
                break;
            case RouterEvent.PriorityChanged change:
                step.PriorityChanged(change.Priority);
                break;
            case RouterEvent.FaultChanged fault:
                step.FaultChanged(fault.Faulted, fault.Reason);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e, "unknown event");
        }
        return new Transition(step.State, step.Actions);
    }

    /// <summary>RFC 9568 §6.4.3: "the primary IPvX Address of the sender is greater than the local primary IPvX
    /// Address", compared as unsigned integers in network byte order.</summary>
    public static int CompareAddresses(IPAddress a, IPAddress b)
    {
        ReadOnlySpan<byte> x = a.GetAddressBytes(), y = b.GetAddressBytes();
        return x.SequenceCompareTo(y);
    }

    private sealed class Step(RouterSettings settings, RouterSnapshot state, TimeSpan now)
    {
        public RouterSnapshot State { get; private set; } = state;
        public List<RouterAction> Actions { get; } = [];

        private TimeSpan MasterDownInterval => Timing.MasterDownInterval(settings.Version, State.Priority,
            settings.AdvertisementIntervalCentiseconds, State.MasterAdvertisementIntervalCentiseconds);

        private TimeSpan SkewTime => Timing.SkewTime(settings.Version, State.Priority, State.MasterAdvertisementIntervalCentiseconds);

        private TimeSpan AdvertisementInterval => Timing.Centiseconds(settings.AdvertisementIntervalCentiseconds);

        // §6.4.1
        public void Startup()
        {
            if (State.State != RouterState.Initialize)
                return;
            State = State with
            {
                StartedAt = now,
                MasterAdvertisementIntervalCentiseconds = settings.AdvertisementIntervalCentiseconds,
            };
            if (State.Faulted)
                MoveTo(RouterState.Fault, "started with a fault");
            else if (settings.IsOwner)
                BecomeMaster("address owner (priority 255) at startup");
            else
                BecomeBackup("startup", null);
        }

        // §6.4.2 and §6.4.3, "If a Shutdown event is received"
        public void Shutdown()
        {
            switch (State.State)
            {
                case RouterState.Master:
                    Actions.Add(new RouterAction.CancelTimer(TimerKind.Advertisement));
                    Actions.Add(new RouterAction.SendAdvertisement(Advertisement.StoppingPriority));
                    Actions.Add(new RouterAction.RemoveVirtualAddresses());
                    break;
                case RouterState.Backup:
                    Actions.Add(new RouterAction.CancelTimer(TimerKind.MasterDown));
                    break;
                case RouterState.Initialize:
                    return;
            }
            State = State with { MasterDownAt = null, AdvertisementAt = null, MasterAddress = null };
            MoveTo(RouterState.Initialize, "shutdown");
        }

        public void TimerExpired(TimerKind timer)
        {
            if (timer == TimerKind.MasterDown && State.State == RouterState.Backup && State.MasterDownAt is { } due && now >= due)
            {
                BecomeMaster("no advertisement from a master for the Master_Down_Interval");
            }
            else if (timer == TimerKind.Advertisement && State.State == RouterState.Master && State.AdvertisementAt is { } next && now >= next)
            {
                Actions.Add(new RouterAction.SendAdvertisement(State.Priority));
                SetAdvertisementTimer();
            }
            // any other expiry is stale: the timer was reset or cancelled after it was armed
        }

        public void AdvertisementReceived(RouterEvent.AdvertisementReceived advert)
        {
            switch (State.State)
            {
                case RouterState.Backup:
                    BackupReceives(advert);
                    break;
                case RouterState.Master:
                    MasterReceives(advert);
                    break;
            }
        }

        // §6.4.2, Backup: "If an ADVERTISEMENT is received"
        private void BackupReceives(RouterEvent.AdvertisementReceived advert)
        {
            if (advert.Priority == Advertisement.StoppingPriority)
            {
                // the master is leaving: take over after Skew_Time, not the whole Master_Down_Interval
                SetMasterDownTimer(SkewTime);
                return;
            }
            var higherOrEqual = advert.Priority >= State.Priority;
            if (higherOrEqual)
                State = State with { LowerPriorityMasterSince = null };
            if (!settings.Preempt || higherOrEqual || PreemptionHeldBack())
            {
                if (settings.Version == VrrpVersion.V3)
                    State = State with { MasterAdvertisementIntervalCentiseconds = advert.IntervalCentiseconds };
                State = State with { MasterAddress = advert.Source };
                SetMasterDownTimer(MasterDownInterval);
            }
            // else: a lower-priority master and preemption on: discard; the timer runs out and we take over
        }

        // preempt_delay (keepalived): no preemption until the delay has passed since startup and since a
        // lower-priority master was first seen
        private bool PreemptionHeldBack()
        {
            if (settings.PreemptDelay <= TimeSpan.Zero)
                return false;
            var since = State.LowerPriorityMasterSince ?? now;
            State = State with { LowerPriorityMasterSince = since };
            var startedAt = State.StartedAt ?? now;
            return now < startedAt + settings.PreemptDelay || now < since + settings.PreemptDelay;
        }

        // §6.4.3, Master: "If an ADVERTISEMENT is received"
        private void MasterReceives(RouterEvent.AdvertisementReceived advert)
        {
            if (advert.Priority == Advertisement.StoppingPriority)
            {
                Actions.Add(new RouterAction.SendAdvertisement(State.Priority));
                SetAdvertisementTimer();
                return;
            }
            var theyWin = advert.Priority > State.Priority
                || (advert.Priority == State.Priority && CompareAddresses(advert.Source, settings.PrimaryAddress) > 0);
            if (theyWin)
            {
                // keepalived's higher_prio_send_advert: one last advert at our priority before yielding. After a split
                // brain the winner may never have heard us (its advert reached us first); this one makes it re-announce
                // the addresses, or clients whose ARP entry still names our MAC lose the VIP until that entry expires
                if (settings.HigherPriorityAdvert)
                    Actions.Add(new RouterAction.SendAdvertisement(State.Priority));
                Actions.Add(new RouterAction.CancelTimer(TimerKind.Advertisement));
                State = State with { AdvertisementAt = null };
                if (settings.Version == VrrpVersion.V3)
                    State = State with { MasterAdvertisementIntervalCentiseconds = advert.IntervalCentiseconds };
                Actions.Add(new RouterAction.RemoveVirtualAddresses());
                var reason = advert.Priority > State.Priority
                    ? $"higher priority {advert.Priority} advertised by {advert.Source}"
                    : $"equal priority {advert.Priority} advertised by {advert.Source}, a higher address";
                BecomeBackup(reason, advert.Source);
                return;
            }
            // RFC 9568 change 5: assert mastership at once, so the other router yields and bridges relearn;
            // and re-announce the addresses, since a split brain may have moved them (keepalived #166)
            if (!settings.LowerPriorityNoAdvert)
            {
                Actions.Add(new RouterAction.SendAdvertisement(State.Priority));
                SetAdvertisementTimer();
            }
            if (settings.GratuitousArpOnLowerPriority)
                Actions.Add(new RouterAction.SendGratuitousArp($"lower priority {advert.Priority} master {advert.Source} seen"));
        }

        public void PriorityChanged(byte priority)
        {
            if (settings.IsOwner || priority == State.Priority)
                return;
            State = State with { Priority = priority };
        }

        public void FaultChanged(bool faulted, string reason)
        {
            State = State with { Faulted = faulted };
            switch (State.State, faulted)
            {
                case (RouterState.Master, true):
                    // keepalived's FAULT: step down with a priority-0 advert, so a backup takes over after its skew
                    Actions.Add(new RouterAction.CancelTimer(TimerKind.Advertisement));
                    Actions.Add(new RouterAction.SendAdvertisement(Advertisement.StoppingPriority));
                    Actions.Add(new RouterAction.RemoveVirtualAddresses());
                    State = State with { AdvertisementAt = null };
                    MoveTo(RouterState.Fault, reason);
                    break;
                case (RouterState.Backup, true):
                    Actions.Add(new RouterAction.CancelTimer(TimerKind.MasterDown));
                    State = State with { MasterDownAt = null };
                    MoveTo(RouterState.Fault, reason);
                    break;
                case (RouterState.Fault, false):
                    if (settings.IsOwner)
                        BecomeMaster($"fault cleared ({reason}), address owner");
                    else
                        BecomeBackup($"fault cleared ({reason})", null);
                    break;
            }
        }

        private void BecomeMaster(string reason)
        {
            if (State.State == RouterState.Backup)
                Actions.Add(new RouterAction.CancelTimer(TimerKind.MasterDown));
            // advert first, then the addresses: the old master (if any) drops them before we announce them
            Actions.Add(new RouterAction.SendAdvertisement(State.Priority));
            Actions.Add(new RouterAction.AddVirtualAddresses());
            Actions.Add(new RouterAction.SendGratuitousArp("became master"));
            State = State with { MasterDownAt = null, MasterAddress = settings.PrimaryAddress, LowerPriorityMasterSince = null };
            SetAdvertisementTimer();
            MoveTo(RouterState.Master, reason);
        }

        private void BecomeBackup(string reason, IPAddress? master)
        {
            State = State with { MasterAddress = master };
            SetMasterDownTimer(MasterDownInterval);
            MoveTo(RouterState.Backup, reason);
        }

        private void SetMasterDownTimer(TimeSpan after)
        {
            State = State with { MasterDownAt = now + after };
            Actions.Add(new RouterAction.SetTimer(TimerKind.MasterDown, now + after));
        }

        private void SetAdvertisementTimer()
        {
            State = State with { AdvertisementAt = now + AdvertisementInterval };
            Actions.Add(new RouterAction.SetTimer(TimerKind.Advertisement, now + AdvertisementInterval));
        }

        private void MoveTo(RouterState next, string reason)
        {
            var from = State.State;
            State = State with { State = next };
            Actions.Add(new RouterAction.Notify(from, next, reason));
        }
    }
}
