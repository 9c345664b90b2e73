using System.Diagnostics;
using HaStack.Infra.Rendering;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests.Postgres;

/// <summary>
/// The cluster's SQL setup against a real PostgreSQL (this machine's, on a unix socket of its own, no TCP) that runs
/// with <c>standard_conforming_strings = off</c>, which a stack may set: a password built to break out of its literal
/// there is stored as the password, and drops nothing. The same script without its per-session setting does drop the
/// table, so the test can tell.
/// </summary>
public sealed class SqlSetupLiteralTests : IDisposable
{
    private const string Attack = "\\'; DROP TABLE x; --";
    private readonly LocalPostgres postgres = LocalPostgres.Start("standard_conforming_strings=off");

    public void Dispose() => postgres.Dispose();

    private static string RenderedSetup()
    {
        var (salt, crypter) = PassphraseCrypter.Create("pass");
        var stack = $"encryptionsalt: {salt}\n" + TestStacks.Minimal
            + $"\n  hastack:postgres:\n    parameters:\n      standard_conforming_strings: \"off\"\n    users:\n      - name: app\n        password:\n          secure: {crypter.Encrypt(Attack)}";
        var plan = StackPipeline.Plan(TestStacks.Valid(stack, "pass"));
        var sql = plan.Files.Single(f => f.Path == StackRenderer.SqlSetupPath).Content;
        return SecretTokens.Substitute(sql, name => name == "user-app" ? Attack : "Auth-Pw-1");
    }

    [Fact]
    public void A_password_that_breaks_out_of_its_literal_under_non_standard_strings_is_stored_as_the_password()
    {
        postgres.Sql("CREATE TABLE x (id int)");
        var script = RenderedSetup();
        Assert.Contains("SET standard_conforming_strings = on;", script, StringComparison.Ordinal);
        postgres.Script(script);
        Assert.Equal("off", postgres.Sql("SHOW standard_conforming_strings"));
        Assert.Equal("1", postgres.Sql("SELECT count(*) FROM pg_tables WHERE tablename = 'x'"));
        Assert.Equal("app", postgres.SqlAs("app", Attack, "SELECT current_user"));
    }

    [Fact]
    public void Without_its_session_setting_the_same_script_drops_the_table()
    {
        postgres.Sql("CREATE TABLE x (id int)");
        var unguarded = string.Join('\n', RenderedSetup().Split('\n').Where(l => l != "SET standard_conforming_strings = on;"));
        postgres.Script(unguarded, mayFail: true);
        Assert.Equal("0", postgres.Sql("SELECT count(*) FROM pg_tables WHERE tablename = 'x'"));
    }
}

/// <summary>A throwaway PostgreSQL of this machine's packages, as postgres, listening on a socket in its own directory only.</summary>
internal sealed class LocalPostgres : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string directory;
    private readonly string bin;

    private LocalPostgres(string directory, string bin)
    {
        this.directory = directory;
        this.bin = bin;
    }

    public static LocalPostgres Start(params string[] settings)
    {
        var bin = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) : null;
        Assert.True(bin is not null, "no PostgreSQL on this machine: apt-get install postgresql (tests/lab/host-setup.sh does)");
        var directory = Directory.CreateTempSubdirectory("hastack-pg-").FullName;
        Run("chown", ["postgres:postgres", directory], null);
        var postgres = new LocalPostgres(directory, bin!);
        var data = Path.Combine(directory, "data");
        postgres.AsPostgres(Path.Combine(bin!, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "-E", "UTF8"], null);
        File.WriteAllText(Path.Combine(data, "pg_hba.conf"), "local all postgres trust\nlocal all all scram-sha-256\n");
        var options = string.Join(' ', new[] { "-c listen_addresses=''", $"-c unix_socket_directories={directory}", "-c port=5439" }.Concat(settings.Select(s => $"-c {s}")));
        postgres.AsPostgres(Path.Combine(bin!, "pg_ctl"), ["-D", data, "-w", "-t", "30", "-l", Path.Combine(directory, "log"), "-o", options, "start"], null);
        return postgres;
    }

    public string Sql(string sql) => AsPostgres(Path.Combine(bin, "psql"), ["-X", "-A", "-t", "-h", directory, "-p", "5439", "-d", "postgres", "-c", sql], null).Trim();

    public string SqlAs(string user, string password, string sql) =>
        Run("runuser", ["-u", "postgres", "--", "env", $"PGPASSWORD={password}", Path.Combine(bin, "psql"), "-X", "-A", "-t", "-h", directory, "-p", "5439", "-U", user, "-d", "postgres", "-c", sql], null).Trim();

    /// <summary>A script on standard input, as HaStack's SQL setup runs it.</summary>
    public void Script(string script, bool mayFail = false) =>
        AsPostgres(Path.Combine(bin, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "5439", "-d", "postgres", "-f", "-"], script, mayFail);

    private string AsPostgres(string program, string[] args, string? stdin, bool mayFail = false) =>
        Run("runuser", ["-u", "postgres", "--", program, .. args], stdin, mayFail);

    private static string Run(string program, string[] args, string? stdin, bool mayFail = false)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = "/" };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(Bound))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not end within {Bound.TotalSeconds} s");
        }
        Assert.True(mayFail || process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }

    public void Dispose()
    {
        AsPostgres(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "-t", "30", "stop"], null, mayFail: true);
        Directory.Delete(directory, recursive: true);
    }
}
