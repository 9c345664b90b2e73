using HaStack.Infra.Ssh;

namespace HaStack.Infra.Tests;

public class KnownHostsTests
{
    // A real key, and its hashed line and fingerprint as printed by OpenSSH's ssh-keygen -H / -l.
    private const string Key = "AAAAC3NzaC1lZDI1NTE5AAAAIHphgyrNnLiNCHZm+A8nFilxiw42KWV2p3bLHWI7pi/4";
    private const string HashedFor10_77_0_11 = "|1|HKoRDMdDbLJ0Tj4R2GJh156PaE0=|txNHdL7KueHkw+nZ77mIJv6+SaM=";
    private const string OpenSshFingerprint = "SHA256:2oQLYgR7vuiFisfiOh4M43GoX5OkVIhms+Eaw0ITd9o";
    private static readonly byte[] KeyBytes = Convert.FromBase64String(Key);

    [Fact]
    public void Plain_line_trusts_its_key_for_every_listed_name()
    {
        var hosts = KnownHosts.Parse($"# lab\n10.77.0.11,node1 ssh-ed25519 {Key} node1\n");
        Assert.True(hosts.Trusts("10.77.0.11", 22, "ssh-ed25519", KeyBytes));
        Assert.True(hosts.Trusts("NODE1", 22, "ssh-ed25519", KeyBytes));
        Assert.False(hosts.Trusts("10.77.0.12", 22, "ssh-ed25519", KeyBytes));
        Assert.Empty(hosts.Problems);
    }

    [Fact]
    public void Another_key_or_key_type_is_not_trusted()
    {
        var hosts = KnownHosts.Parse($"node1 ssh-ed25519 {Key}\n");
        var other = (byte[])KeyBytes.Clone();
        other[^1] ^= 1;
        Assert.False(hosts.Trusts("node1", 22, "ssh-ed25519", other));
        Assert.False(hosts.Trusts("node1", 22, "ssh-rsa", KeyBytes));
    }

    [Fact]
    public void Hashed_host_names_written_by_ssh_keygen_match()
    {
        var hosts = KnownHosts.Parse($"{HashedFor10_77_0_11} ssh-ed25519 {Key}\n");
        Assert.True(hosts.Trusts("10.77.0.11", 22, "ssh-ed25519", KeyBytes));
        Assert.False(hosts.Trusts("10.77.0.12", 22, "ssh-ed25519", KeyBytes));
    }

    [Fact]
    public void Non_standard_port_uses_bracket_form()
    {
        var hosts = KnownHosts.Parse($"[node1]:2222 ssh-ed25519 {Key}\n");
        Assert.True(hosts.Trusts("node1", 2222, "ssh-ed25519", KeyBytes));
        Assert.False(hosts.Trusts("node1", 22, "ssh-ed25519", KeyBytes));
    }

    [Fact]
    public void Wildcards_and_negation_follow_openssh()
    {
        var hosts = KnownHosts.Parse($"10.77.0.*,!10.77.0.13 ssh-ed25519 {Key}\n");
        Assert.True(hosts.Trusts("10.77.0.11", 22, "ssh-ed25519", KeyBytes));
        Assert.False(hosts.Trusts("10.77.0.13", 22, "ssh-ed25519", KeyBytes));
    }

    [Fact]
    public void Revoked_key_is_refused_even_when_also_listed()
    {
        var hosts = KnownHosts.Parse($"node1 ssh-ed25519 {Key}\n@revoked * ssh-ed25519 {Key}\n");
        Assert.False(hosts.Trusts("node1", 22, "ssh-ed25519", KeyBytes));
        Assert.Empty(hosts.KeysFor("node9"));
    }

    [Fact]
    public void Fingerprint_is_the_one_ssh_keygen_prints()
    {
        var key = Assert.Single(KnownHosts.Parse($"node1 ssh-ed25519 {Key}").KeysFor("node1"));
        Assert.Equal(OpenSshFingerprint, key.Fingerprint);
    }

    [Fact]
    public void Broken_lines_are_reported_with_their_number_and_the_rest_still_loads()
    {
        var hosts = KnownHosts.Parse($"node1 ssh-ed25519\nnode2 ssh-ed25519 !!!notbase64\n@bogus x y z\nnode3 ssh-ed25519 {Key}\n");
        Assert.Equal(3, hosts.Problems.Count);
        Assert.StartsWith("line 1:", hosts.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("line 2:", hosts.Problems[1], StringComparison.Ordinal);
        Assert.StartsWith("line 3:", hosts.Problems[2], StringComparison.Ordinal);
        Assert.True(hosts.Trusts("node3", 22, "ssh-ed25519", KeyBytes));
    }
}
