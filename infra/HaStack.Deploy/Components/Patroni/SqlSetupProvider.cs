using System.Text;
using HaStack.Deploy.Planning;
using HaStack.Deploy.Remote;
using HaStack.Deploy.State;
using HaStack.Infra.Graph;
using HaStack.Infra.Operations;

namespace HaStack.Deploy.Providers;

/// <summary>Roles, databases and PgBouncer's lookup function: an idempotent psql script run on the current primary.</summary>
internal sealed class SqlSetupProvider : IResourceProvider
{
    public IReadOnlyDictionary<string, string> Apply(ApplyContext context, PlannedStep change)
    {
        var setup = (SqlSetupInputs)change.Desired!.Spec;
        var host = Primary(context, setup.Targets, TimeSpan.FromMinutes(2));
        context.Session(host).Check(ResourceOperations.Of(setup).Create!, Encoding.UTF8.GetBytes(context.Secrets.Reveal(setup.Script)));
        return new Dictionary<string, string> { ["ranOn"] = host };
    }

    /// <summary>The target whose Patroni says it holds the leader lock, waited for at most <paramref name="limit"/>.</summary>
    public static string Primary(ApplyContext context, IReadOnlyList<SqlTarget> targets, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            foreach (var target in targets)
            {
                if (context.Session(target.Host).Run(HostOperations.IsPrimary(target)).Ok)
                    return target.Host;
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
