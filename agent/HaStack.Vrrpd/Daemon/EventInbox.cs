namespace HaStack.Vrrpd.Daemon;

/// <summary>
/// The daemon's event inbox: many threads post, one loop takes. A plain monitor, so the loop sleeps in the kernel
/// until an event or its next deadline (BlockingCollection's semaphore spins before it blocks, at every wake, and
/// an idle daemon wakes ten times a second). Packets are bounded by the limit: a flood is refused, not queued.
/// </summary>
public sealed class EventInbox<T>
{
    private readonly Queue<T> items = new();
    private readonly object gate = new();
    private readonly int limit;

    public EventInbox(int limit) => this.limit = limit;

    /// <summary>Queues item whatever the queue holds: signals and tracker results are few and never dropped.</summary>
    public void Add(T item) => Enqueue(item, bounded: false);

    /// <summary>Queues item unless the queue already holds its limit (a packet flood); false when refused.</summary>
    public bool TryAddBounded(T item) => Enqueue(item, bounded: true);

    private bool Enqueue(T item, bool bounded)
    {
        lock (gate)
        {
            if (bounded && items.Count >= limit)
                return false;
            items.Enqueue(item);
            if (items.Count == 1)
                Monitor.Pulse(gate);
            return true;
        }
    }

    /// <summary>Takes the oldest event, waiting at most <paramref name="timeoutMilliseconds"/> (0: do not wait).</summary>
    public bool TryTake(out T item, int timeoutMilliseconds = 0)
    {
        lock (gate)
        {
            if (items.Count == 0 && timeoutMilliseconds > 0)
                Monitor.Wait(gate, timeoutMilliseconds);
            return items.TryDequeue(out item!);
        }
    }
}
