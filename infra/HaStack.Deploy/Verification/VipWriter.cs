using System.Diagnostics;
using Npgsql;

namespace HaStack.Deploy.Verification;

/// <summary>
/// A client writing through the VIP's writer port, as an application would: one connection, a new one after each
/// error, numbered rows in a table of its own. Every attempt goes to a <see cref="WriteLog"/>; afterwards,
/// <see cref="Lost"/> reads the table back and names each acknowledged write that is not there.
/// Npgsql's default timeouts (15 s connect, 30 s command): a client left hanging shows, it is not cut short.
/// </summary>
internal sealed class VipWriter : IDisposable
{
    private const string Table = "hastack_fault_writes";
    private readonly string connectionString;
    private readonly string run = Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private long next;

    public WriteLog Log { get; } = new();

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public string? LastError { get; private set; }

    public VipWriter(string host, int port, string password, TimeSpan pause)
    {
        var builder = VipConnection.Superuser(host, port, password);
        builder.ApplicationName = "hastack-verify-faults";
        connectionString = builder.ConnectionString;
        using (var setup = new NpgsqlConnection(connectionString))
        {
            setup.Open();
            new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {Table} (run text NOT NULL, id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, id))", setup)
                .ExecuteNonQuery();
        }
        thread = new Thread(() => Write(pause)) { IsBackground = true, Name = "vip-writer" };
        thread.Start();
    }

    private void Write(TimeSpan pause)
    {
        while (!stop.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            var id = Interlocked.Increment(ref next);
            var started = Clock.Elapsed;
            try
            {
                connection = new NpgsqlConnection(connectionString);
                connection.Open();
                while (!stop.IsCancellationRequested)
                {
                    using (var insert = new NpgsqlCommand($"INSERT INTO {Table} (run, id) VALUES (@run, @id)", connection))
                    {
                        insert.Parameters.AddWithValue("run", run);
                        insert.Parameters.AddWithValue("id", id);
                        insert.ExecuteNonQuery();
                    }
                    Log.Add(new WriteAttempt(id, started, Clock.Elapsed, true, null));
                    stop.Token.WaitHandle.WaitOne(pause);
                    id = Interlocked.Increment(ref next);
                    started = Clock.Elapsed;
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
            {
                LastError = Describe(e);
                Log.Add(new WriteAttempt(id, started, Clock.Elapsed, false, LastError));
                stop.Token.WaitHandle.WaitOne(pause);
            }
            finally
            {
                connection?.Dispose();
            }
        }
    }

    /// <summary>
    /// The error with its causes: Npgsql's "Exception while reading from stream" alone does not tell a connection
    /// reset (a host gave the VIP up) from a timeout (nobody answered), and those point at different faults.
    /// </summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var cause = e; cause is not null && parts.Count < 4; cause = cause.InnerException)
            if (parts.Count == 0 || !parts[^1].Contains(cause.Message, StringComparison.Ordinal))
                parts.Add(cause.Message.ReplaceLineEndings(" ").Trim());
        return string.Join(": ", parts);
    }

    /// <summary>Stops writing; waits for the write in flight at most <paramref name="limit"/>.</summary>
    public void Stop(TimeSpan limit)
    {
        stop.Cancel();
        thread.Join(limit);
    }

    /// <summary>The acknowledged writes missing from the table, read through the VIP once writing has stopped; then this run's rows go.</summary>
    public IReadOnlyList<long> Lost()
    {
        var stored = new HashSet<long>();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var select = new NpgsqlCommand($"SELECT id FROM {Table} WHERE run = @run", connection))
        {
            select.Parameters.AddWithValue("run", run);
            using var reader = select.ExecuteReader();
            while (reader.Read())
                stored.Add(reader.GetInt64(0));
        }
        using (var delete = new NpgsqlCommand($"DELETE FROM {Table} WHERE run = @run", connection))
        {
            delete.Parameters.AddWithValue("run", run);
            delete.ExecuteNonQuery();
        }
        return Log.AcknowledgedIds.Where(id => !stored.Contains(id)).Order().ToList();
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(35));
        stop.Dispose();
    }
}
