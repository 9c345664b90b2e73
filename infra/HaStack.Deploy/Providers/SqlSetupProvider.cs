using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;

namespace HaStack.Deploy.Providers;

/// <summary>Roles, databases and PgBouncer's lookup function: an idempotent psql script run on the current primary.</summary>
internal sealed class SqlSetupProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, Resource desired, ResourceState? recorded, IReadOnlyList<string> changedKeys)
    {
        var (host, session) = Primary(context, TimeSpan.FromMinutes(2));
        session.Check("running the SQL setup", "cd /tmp && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -",
            System.Text.Encoding.UTF8.GetBytes(context.Secrets.Reveal(desired.Inputs["script"])));
        return new Dictionary<string, string> { ["ranOn"] = host };
    }

    /// <summary>The host whose Patroni says it holds the leader lock (/primary answers 200), waited for at most <paramref name="limit"/>.</summary>
    public static (string Host, HostSession Session) Primary(ApplyContext context, TimeSpan limit)
    {
        var config = context.Plan.Config;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            foreach (var db in context.Plan.Topology.DatabaseHosts)
            {
                var session = context.Session(db.Name);
                var probe = session.Run($"python3 -c 'import urllib.request; urllib.request.urlopen(\"http://{db.Address}:{config.Patroni.RestPort}/primary\", timeout=2)'");
                if (probe.Ok)
                    return (db.Name, session);
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no database host answered 200 on Patroni's /primary within {limit.TotalSeconds} s");
            Thread.Sleep(1000);
        }
    }

    public void Delete(ApplyContext context, ResourceState recorded)
    {
        // roles and databases hold data: destroy leaves them with the data directory
    }

    public string? Drift(ApplyContext context, ResourceState recorded) => null;
}
