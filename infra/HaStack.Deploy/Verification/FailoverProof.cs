using HaStack.Infra.Rendering;
using System.Diagnostics;
using System.Globalization;
using HaStack.Deploy.Providers;
using HaStack.Deploy.Remote;
using HaStack.Infra;
using HaStack.Infra.Operations;
using Npgsql;

namespace HaStack.Deploy.Verification;

/// <summary>A verification step that did not hold: which step, and what was observed.</summary>
internal sealed class VerificationFailedException(string step, string observed)
    : Exception($"verification failed at '{step}': {observed}")
{
    public string Step { get; } = step;
}

/// <summary>
/// The proof every deployment ends with: SQL through the VIP (a write on the writer port lands on the primary,
/// a read on the reader port on a replica); then the layer's process is stopped on the VIP holder and the
/// time is measured until the VIP is on another host and until SQL through it works again; then the process is
/// started again and the cluster must be whole. Every wait is bounded by the stack's verify timeouts.
/// </summary>
/// <param name="superuserPassword">the postgres role's password, for SQL through the VIP</param>
internal sealed class FailoverProof(StackPlan plan, Func<string, IHostSession> session, string superuserPassword)
{
    /// <summary>The figures a proof records as stack outputs (and <c>status</c> shows).</summary>
    public static readonly IReadOnlyList<string> Figures = ["vipHolderBefore", "vipHolderAfter", "vipMoveMs", "sqlRecoveryMs", "verifiedAt"];

    private readonly HaStack.Infra.Config.StackConfig config = plan.Config;
    private readonly ClusterChecks checks = new(plan, session);

    public FailoverProof(ApplyContext context) : this(context.Plan, context.Session, context.Secrets.Value(SecretNames.PostgresSuperuser))
    {
    }

    public IReadOnlyDictionary<string, string> Run()
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var vipHosts = checks.VipHosts;
        var (writes, reads) = plan.Topology.ClientPorts;
        var sqlLimit = TimeSpan.FromSeconds(config.Verify.SqlTimeoutSeconds);
        var moveLimit = TimeSpan.FromSeconds(config.Verify.VipMoveTimeoutSeconds);

        var holder = checks.SingleHolder("the VIP is on one host");
        outputs["vipHolderBefore"] = holder;
        Sql(writes, sqlLimit, "a write through the VIP", """
            CREATE TABLE IF NOT EXISTS hastack_verify (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text);
            INSERT INTO hastack_verify (note) VALUES ('hastack verify');
            SELECT pg_is_in_recovery();
            """, expectReplica: false);
        if (reads is { } readPort)
            Sql(readPort, sqlLimit, "a read through the VIP lands on a replica", "SELECT pg_is_in_recovery();", expectReplica: true);

        var unit = plan.Topology.LayerService;
        var others = vipHosts.Where(h => h != holder).ToList();
        // each other host waits for the address itself; the first to see it answers
        var watchers = others.Select(h => Task.Run(() => WaitForVip(h, moveLimit))).ToList();
        var clock = Stopwatch.StartNew();
        session(holder).Check(HostOperations.Systemctl("stop", unit));
        try
        {
            var firstSeen = Task.WhenAny(watchers).Result;
            var (newHolder, movedAfter) = firstSeen.Result;
            // the hosts that lost the race would poll on until their limit: stop them, they load the hosts
            foreach (var other in others.Where(h => h != newHolder))
                session(other).Run(HostOperations.StopWaitingForAddress());
            if (newHolder is null)
                throw new VerificationFailedException("the VIP moves", $"no other host ({string.Join(", ", others)}) got {config.Vip.Address} within {moveLimit.TotalSeconds} s after {unit} stopped on {holder}");
            outputs["vipHolderAfter"] = newHolder;
            outputs["vipMoveMs"] = Ms(movedAfter);
            var recovered = Sql(writes, sqlLimit, "SQL through the VIP works again", "SELECT pg_is_in_recovery();", expectReplica: false, clock);
            outputs["sqlRecoveryMs"] = Ms(recovered);
            // the first host to hold it says how fast it moved; the holder after is where it stays (a backup started a
            // moment before can claim it too, then yield to a higher priority: seen in CI). Same key, same place.
            outputs["vipHolderAfter"] = checks.SingleHolder("the VIP stays on one host after the move", moveLimit, TimeSpan.FromSeconds(1));
        }
        finally
        {
            session(holder).Check(HostOperations.Systemctl("start", unit));
        }
        checks.WaitWhole("the cluster is whole again");
        outputs["verifiedAt"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture);
        return outputs;
    }

    private static string Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits on <paramref name="host"/> itself (no round trip per poll) until it holds the VIP.</summary>
    private (string? Host, TimeSpan After) WaitForVip(string host, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var seen = session(host).Run(HostOperations.WaitForAddress(config.Vip.Interface, config.Vip.Address, limit.TotalSeconds)).Ok;
        return seen ? (host, clock.Elapsed) : (null, clock.Elapsed);
    }

    /// <summary>Runs SQL through the VIP with a new connection each try until it works; returns when it did (on <paramref name="since"/>'s clock).</summary>
    internal TimeSpan Sql(int port, TimeSpan limit, string step, string sql, bool expectReplica, Stopwatch? since = null)
    {
        var clock = since ?? Stopwatch.StartNew();
        var deadline = clock.Elapsed + limit;
        var builder = VipConnection.Superuser(config.Vip.Address, port, superuserPassword);
        builder.Timeout = 2;
        builder.CommandTimeout = 5;
        string last = "no attempt";
        while (clock.Elapsed < deadline)
        {
            try
            {
                using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand(sql, connection);
                var inRecovery = (bool)command.ExecuteScalar()!;
                if (inRecovery == expectReplica)
                    return clock.Elapsed;
                last = expectReplica ? "it landed on the primary" : "it landed on a replica";
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                last = e.Message;
            }
            Thread.Sleep(10);
        }
        throw new VerificationFailedException(step, $"{config.Vip.Address}:{port} for {limit.TotalSeconds} s; last: {last}");
    }
}
