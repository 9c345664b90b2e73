using System.Text.Json;
using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>Pulumi's project and stack file conventions (reference/pulumi.md §4.1-4.2).</summary>
public class StackFilesTests
{
    [Fact]
    public void Bare_namespaced_and_legacy_keys_are_all_the_projects()
    {
        var doc = StackFiles.Parse(TestStacks.Project, """
            config:
              hosts: []
              hastack:vip: { address: 10.0.0.1/24 }
              hastack:config:ssh: { user: deploy }
            """, "s");
        Assert.Equal(["hosts", "ssh", "vip"], doc.Values.Keys.Order().ToArray());
        Assert.Empty(doc.Diagnostics);
    }

    [Fact]
    public void Project_defaults_apply_unless_the_stack_sets_the_key()
    {
        var result = StackPipeline.Load(TestStacks.Directory, "three", _ => null);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal("/run/hastack-lab/id_ed25519", result.Config!.Ssh.PrivateKeyFile);

        var overridden = StackConfigBinder.Load(StackFiles.Parse(File.ReadAllText(Path.Combine(TestStacks.Directory, "Pulumi.yaml")),
            TestStacks.Minimal, "x"), () => null);
        Assert.Equal("/keys/id_ed25519", overridden.Config!.Ssh.PrivateKeyFile);
    }

    [Fact]
    public void A_missing_stack_file_is_one_clear_error_listing_the_stacks_there()
    {
        var result = StackPipeline.Load(TestStacks.Directory, "staging", _ => null);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("stack-file-missing", error.Rule);
        Assert.Contains("five, three", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_make_a_minimal_stack_a_whole_cluster()
    {
        var config = TestStacks.Valid(TestStacks.Minimal);
        Assert.All(config.Hosts, h => Assert.Equal([HostRole.Etcd, HostRole.Db, HostRole.Proxy], h.Roles));
        Assert.Equal((5000, 5001, 6432, 8008), (config.Haproxy.WritePort, config.Haproxy.ReadPort, config.PgBouncer.Port, config.Patroni.RestPort));
        Assert.Equal((20, 1, 5), (config.Patroni.Ttl, config.Patroni.LoopWait, config.Patroni.RetryTimeout));
        Assert.Equal((3, 0.1m, 100), (config.Vip.VrrpVersion, config.Vip.AdvertInterval, config.Vip.RouterId));
        Assert.Equal("hastack-test", config.Patroni.Scope);
        Assert.Equal(SynchronousMode.On, config.Postgres.SynchronousMode);
        Assert.Equal(PoolerPlacement.Database, config.PgBouncer.Placement);
        Assert.False(config.Ssh.Sudo);
    }

    [Fact]
    public void A_crashed_primary_is_handed_to_the_sync_standby_at_once_unless_the_stack_says_otherwise()
    {
        // safe with the sync guard in place: the standby Patroni names is one the primary really waits for
        Assert.Equal(0, TestStacks.Valid(TestStacks.Minimal).Patroni.PrimaryStartTimeout);
        Assert.Equal(300, TestStacks.Valid(TestStacks.MinimalWith("hastack:patroni: { primaryStartTimeout: 300 }")).Patroni.PrimaryStartTimeout);
    }

    [Fact]
    public void Secure_values_written_by_pulumi_decrypt_with_the_passphrase()
    {
        var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pulumi-passphrase-vectors.json"))).RootElement;
        var stack = $"encryptionsalt: {vectors.GetProperty("encryptionsalt").GetString()}\n" + TestStacks.MinimalWith($"""
            hastack:postgres:
              users:
                - name: app
                  password:
                    secure: {vectors.GetProperty("values")[0].GetProperty("secure").GetString()}
                - name: reporting
                  password:
                    secure: {vectors.GetProperty("values")[2].GetProperty("secure").GetString()}
            """);
        var config = TestStacks.Valid(stack, vectors.GetProperty("passphrase").GetString());
        Assert.Equal("s3cr3t-Pa55", config.Postgres.Users[0].Password!.Reveal());
        Assert.Equal("ünïcødé ✓", config.Postgres.Users[1].Password!.Reveal());
        Assert.Equal("[secret]", config.Postgres.Users[0].Password!.ToString());
        Assert.DoesNotContain("s3cr3t", config.ToString(), StringComparison.Ordinal);

        var wrong = TestStacks.Load(stack, vectors.GetProperty("wrong_passphrase").GetString());
        Assert.Equal("incorrect-passphrase", Assert.Single(wrong.Diagnostics).Rule);
    }

    [Fact]
    public void The_passphrase_comes_from_the_variable_or_the_file_as_pulumi_reads_them()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from file\n");
            Assert.Equal("direct", StackPipeline.Passphrase(n => n == "PULUMI_CONFIG_PASSPHRASE" ? "direct" : file));
            Assert.Equal("from file\n", StackPipeline.Passphrase(n => n == "PULUMI_CONFIG_PASSPHRASE_FILE" ? file : null));
            Assert.Equal("", StackPipeline.Passphrase(n => n == "PULUMI_CONFIG_PASSPHRASE" ? "" : null));
            Assert.Null(StackPipeline.Passphrase(_ => null));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_passphrase_is_not_asked_for_when_no_value_is_secure()
    {
        var asked = false;
        StackConfigBinder.Load(StackFiles.Parse(TestStacks.Project, TestStacks.Minimal, "t"), () => { asked = true; return null; });
        Assert.False(asked);
    }
}
