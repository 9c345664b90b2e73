using Xunit.Abstractions;

namespace HaStack.Infra.Tests.Hostile;

/// <summary>
/// Issue 26's hostile-input table: every row is a real <c>hastack</c> (or <c>hastack-vrrpd check-config</c>) process,
/// under a 1 GiB heap cap and a 30 s limit, so a regression to unbounded reading or a hang fails its row, not the
/// machine. Each row must end with its exit code and its one diagnostic (naming the key or file, and the fix), with no
/// stack trace, nothing written in the project, and no connection to the hosts' SSH port.
/// </summary>
public sealed class HostileInputTableTests(HostileFixture fixture, ITestOutputHelper output) : IClassFixture<HostileFixture>
{
    private static readonly List<HostileCase> Table = HostileCases.All().ToList();
    private static readonly Dictionary<string, HostileCase> ByName = Table.ToDictionary(c => c.ToString(), StringComparer.Ordinal);

    private static string Hastack => Path.Combine(AppContext.BaseDirectory, "hastack.dll");
    private static string Agent => Path.Combine(AppContext.BaseDirectory, "hastack-vrrpd.dll");

    public static TheoryData<string> Rows()
    {
        var rows = new TheoryData<string>();
        foreach (var c in Table)
            rows.Add(c.ToString());
        return rows;
    }

    [Fact]
    public void The_table_holds_at_least_450_rows_each_named_once()
    {
        output.WriteLine($"{Table.Count} rows: {HostileCases.Count(Table)}");
        Assert.True(Table.Count >= 450, $"{Table.Count} rows");
        Assert.Equal(Table.Count, ByName.Count);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_hostile_input_is_refused_with_one_clear_line_and_nothing_else(string row)
    {
        var hostile = ByName[row];
        using var run = new HostileRun(fixture);
        hostile.Arrange(new HostileRunContext(new HostileRunHandle(run), fixture));
        var before = run.Snapshot();
        var contacts = fixture.Contacts;
        var outcome = run.Run(hostile.Agent ? Agent : Hastack, hostile.Args);
        output.WriteLine($"exit {outcome.Exit}\n{outcome.Output}");
        Assert.True(outcome.Finished, $"{row}: still running after {HostileRun.Limit.TotalSeconds} s (killed)");
        Assert.False(HostileRun.Crash().IsMatch(outcome.Output), $"{row}: a crash reached the user:\n{outcome.Output}");
        Assert.True(hostile.Exit == outcome.Exit, $"{row}: exit {outcome.Exit}, not {hostile.Exit}:\n{outcome.Output}");
        foreach (var expected in hostile.Expect)
            Assert.True(outcome.Output.Contains(expected, StringComparison.Ordinal), $"{row}: no '{expected}' in:\n{outcome.Output}");
        Assert.Equal(before, run.Snapshot());
        Assert.True(contacts == fixture.Contacts, $"{row}: a host's SSH port was contacted");
    }
}
