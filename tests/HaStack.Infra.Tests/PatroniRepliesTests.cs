using System.Text.Json.Nodes;
using HaStack.Infra.Operations;

namespace HaStack.Infra.Tests;

/// <summary>
/// Patroni's answers read the way the rolling restart and the whole-cluster check read them, from replies recorded
/// on the lab (Fixtures/patroni, by tests/fixtures/record.sh: Debian 12's Patroni 3.0.2 and Debian 13's 4.0.7): which
/// standbys the primary really waits for (who waits for a restart is a member's flag in /cluster: HostReadFixtureTests). A malformed answer is an error naming what is wrong, never a shorter list.
/// </summary>
public class PatroniRepliesTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "patroni", name));

    [Theory]
    [InlineData(12)]
    [InlineData(13)]
    public void A_recorded_primary_names_the_standbys_the_cluster_calls_synchronous_and_no_other(int release)
    {
        // recorded together: the cluster's sync_standby (Patroni 3.0) or quorum_standby members (Patroni 4, quorum commit)
        var cluster = JsonNode.Parse(Fixture($"cluster-debian{release}.json"))!["members"]!.AsArray();
        var named = cluster.Where(m => (string?)m!["role"] is "sync_standby" or "quorum_standby").Select(m => (string)m!["name"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(release == 13 ? 2 : 1, named.Count);
        var recorded = Fixture($"patroni-primary-debian{release}.json");
        Assert.Equal(named, PatroniReplies.SynchronousStandbys(recorded).Order(StringComparer.Ordinal));
        var patroni = JsonNode.Parse(recorded)!;
        foreach (var standby in patroni["replication"]!.AsArray())
            standby!["sync_state"] = "async";
        Assert.Empty(PatroniReplies.SynchronousStandbys(patroni.ToJsonString()));
        patroni["replication"]![0]!["sync_state"] = "quorum";
        Assert.Single(PatroniReplies.SynchronousStandbys(patroni.ToJsonString()));
        // a primary with no replica reports no replication at all
        Assert.Empty(PatroniReplies.SynchronousStandbys("""{"state": "running", "role": "primary"}"""));
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"replication": 3}""", "no 'replication' list")]
    [InlineData("""{"replication": [{"sync_state": "sync"}]}""", "without a 'application_name'")]
    [InlineData("""{"replication": [{"application_name": "", "sync_state": "quorum"}]}""", "without a 'application_name'")]
    public void A_malformed_primary_answer_is_an_error_that_says_what_is_wrong(string answer, string problem)
    {
        var error = Assert.Throws<FormatException>(() => PatroniReplies.SynchronousStandbys(answer));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_replication_answer_is_an_error()
    {
        Assert.Throws<FormatException>(() => PatroniReplies.SynchronousStandbys("""{"replication": {"a": 1}}"""));
        Assert.Throws<FormatException>(() => PatroniReplies.SynchronousStandbys("""{"replication": [{"sync_state": "sync"}]}"""));
        Assert.Throws<FormatException>(() => PatroniReplies.SynchronousStandbys(new string('[', 100)));
    }
}
