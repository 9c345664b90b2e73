using System.Globalization;
using System.Text;
using System.Text.Json;
using HaStack.Vrrp.Packets;
using HaStack.Vrrp.Protocol;

namespace HaStack.Vrrpd.Daemon;

/// <summary>Counters and state the daemon publishes, read by the status server under the same lock.</summary>
public sealed class DaemonStatus
{
    public sealed class InstanceStatus
    {
        public required string Name { get; init; }
        public required byte VirtualRouterId { get; init; }
        public required byte ConfiguredPriority { get; init; }
        public RouterState State { get; set; }
        public byte Priority { get; set; }
        public string? MasterAddress { get; set; }
        public string? LastReason { get; set; }
        public long Transitions { get; set; }
        public long AdvertsSent { get; set; }
        public long AdvertsReceived { get; set; }
        public long GratuitousArpsSent { get; set; }
        public long ConnectionsClosed { get; set; }
    }

    /// <summary>global_defs' router_id, or the host's name: which machine this status is from, as keepalived names it.</summary>
    public string RouterId { get; set; } = Environment.MachineName;

    private readonly object gate = new();
    private readonly Dictionary<string, InstanceStatus> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<DropReason, long> drops = [];
    private readonly Dictionary<string, bool> trackers = new(StringComparer.Ordinal);

    public void Update(Action<DaemonStatus> change)
    {
        lock (gate)
            change(this);
    }

    public void SetInstance(InstanceStatus status)
    {
        lock (gate)
            instances[status.Name] = status;
    }

    public void RemoveInstance(string name)
    {
        lock (gate)
            instances.Remove(name);
    }

    private long eventErrors;

    /// <summary>An event whose handling threw; the daemon went on.</summary>
    public void CountEventError()
    {
        lock (gate)
            eventErrors++;
    }

    public void CountDrop(DropReason reason)
    {
        lock (gate)
            drops[reason] = drops.GetValueOrDefault(reason) + 1;
    }

    public void SetTracker(string key, bool healthy)
    {
        lock (gate)
            trackers[key] = healthy;
    }

    public string Json()
    {
        lock (gate)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("routerId", RouterId);
                json.WriteStartArray("instances");
                foreach (var i in instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("name", i.Name);
                    json.WriteString("state", i.State.ToString().ToUpperInvariant());
                    json.WriteNumber("vrid", i.VirtualRouterId);
                    json.WriteNumber("priority", i.Priority);
                    json.WriteNumber("configuredPriority", i.ConfiguredPriority);
                    json.WriteString("master", i.MasterAddress);
                    json.WriteString("lastReason", i.LastReason);
                    json.WriteNumber("transitions", i.Transitions);
                    json.WriteNumber("advertsSent", i.AdvertsSent);
                    json.WriteNumber("advertsReceived", i.AdvertsReceived);
                    json.WriteNumber("gratuitousArpsSent", i.GratuitousArpsSent);
                    json.WriteNumber("connectionsClosed", i.ConnectionsClosed);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartObject("trackers");
                foreach (var (key, healthy) in trackers.OrderBy(t => t.Key, StringComparer.Ordinal))
                    json.WriteBoolean(key, healthy);
                json.WriteEndObject();
                json.WriteNumber("eventErrors", eventErrors);
                json.WriteStartObject("drops");
                foreach (var (reason, count) in drops.OrderBy(d => d.Key))
                    json.WriteNumber(reason.Code(), count);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
        }
    }

    /// <summary>The Prometheus text exposition format.</summary>
    public string Metrics()
    {
        lock (gate)
        {
            var text = new StringBuilder();
            void Family(string name, string type, string help) => text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
            void Sample(string name, string labels, double value) => text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");

            Family("hastack_vrrp_state", "gauge", "1 for the instance's current state, 0 for the others.");
            foreach (var i in instances.Values)
            {
                foreach (var state in Enum.GetValues<RouterState>())
                    Sample("hastack_vrrp_state", $"instance=\"{i.Name}\",state=\"{state.ToString().ToLowerInvariant()}\"", i.State == state ? 1 : 0);
            }
            Family("hastack_vrrp_priority", "gauge", "Effective priority advertised (configured priority adjusted by trackers).");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_priority", $"instance=\"{i.Name}\"", i.Priority);
            Family("hastack_vrrp_configured_priority", "gauge", "Priority from the config.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_configured_priority", $"instance=\"{i.Name}\"", i.ConfiguredPriority);
            Family("hastack_vrrp_transitions_total", "counter", "State changes.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_transitions_total", $"instance=\"{i.Name}\"", i.Transitions);
            Family("hastack_vrrp_adverts_sent_total", "counter", "Advertisements sent.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_adverts_sent_total", $"instance=\"{i.Name}\"", i.AdvertsSent);
            Family("hastack_vrrp_adverts_received_total", "counter", "Valid advertisements received.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_adverts_received_total", $"instance=\"{i.Name}\"", i.AdvertsReceived);
            Family("hastack_vrrp_gratuitous_arps_sent_total", "counter", "Gratuitous ARP frames sent.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_gratuitous_arps_sent_total", $"instance=\"{i.Name}\"", i.GratuitousArpsSent);
            Family("hastack_vrrp_connections_closed_total", "counter", "TCP connections closed on a virtual address this host gave up.");
            foreach (var i in instances.Values)
                Sample("hastack_vrrp_connections_closed_total", $"instance=\"{i.Name}\"", i.ConnectionsClosed);
            Family("hastack_vrrp_event_errors_total", "counter", "Events whose handling failed; the daemon went on.");
            Sample("hastack_vrrp_event_errors_total", "", eventErrors);
            Family("hastack_vrrp_drops_total", "counter", "Received packets dropped, by reason.");
            foreach (var (reason, count) in drops)
                Sample("hastack_vrrp_drops_total", $"reason=\"{reason.Code()}\"", count);
            Family("hastack_vrrp_tracker_healthy", "gauge", "1 while the tracker reports healthy.");
            foreach (var (key, healthy) in trackers)
                Sample("hastack_vrrp_tracker_healthy", $"tracker=\"{key}\"", healthy ? 1 : 0);
            return text.ToString();
        }
    }
}
