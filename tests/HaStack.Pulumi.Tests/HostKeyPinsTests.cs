using HaStack.Infra.Config;
using HaStack.Infra.Ssh;
using HaStack.Pulumi.Mapping;

namespace HaStack.Pulumi.Tests;

/// <summary>
/// The key the program pins per host: pulumi-command offers the server only the pinned key's algorithm, so the
/// strongest known key is taken (ed25519, then ecdsa, then rsa, whatever order known_hosts lists them in), a SHA256
/// fingerprint pin is resolved through known_hosts, and a host with nothing to pin is a clear error.
/// </summary>
public class HostKeyPinsTests
{
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL7J0888GwLhr5m+C2xsI+a2kT21mKn5TX7i42yC4pp1";
    private const string Ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF9r1KXKBT7E++hr8l4UB5ik7iEupFsdMdtGR/vtnQk3yNuu503VNhpyTRBVWznEKg68qdVF5re4ryWIHXuKBGM=";
    private const string Rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDFswDOcjq379ThmWIRYFU9oM8hwtHDfgVTPQatkr6obqwV878r/Wvy8O2Z8k/DSq0lTvQRT/wRAZBpKevB2d96Uxj+SK5I5TMsfCLRLBvz469Y7KODRz1vz9dfEUf0WVSyXCqUsxx+QJu8LDYL3XogrOfJlVM4KLSt2QQKpLaxRw==";

    // ssh-keygen -lf of each key above
    private const string RsaFingerprint = "SHA256:lP1Q/xqiJTPfiHCkI+j8agbNz9DGXHnAZA7ZAdaDEH0";

    private static HostConfig Host(string? hostKey = null) => new("node1", "10.77.0.11", 0, null, [], hostKey);

    private static KnownHosts Listing(params string[] keys) => KnownHosts.Parse(string.Concat(keys.Select(k => $"10.77.0.11 {k}\n")));

    [Theory]
    [InlineData(new[] { Rsa, Ecdsa, Ed25519 }, Ed25519)]
    [InlineData(new[] { Rsa, Ecdsa }, Ecdsa)]
    [InlineData(new[] { Ecdsa, Rsa }, Ecdsa)]
    [InlineData(new[] { Rsa }, Rsa)]
    public void The_strongest_key_known_hosts_lists_is_pinned_whatever_its_order(string[] listed, string pinned) =>
        Assert.Equal(HostKeyPin.Of(pinned), HostKeyPins.Resolve(Host(), 22, Listing(listed)));

    [Fact]
    public void A_fingerprint_pin_is_resolved_to_the_key_with_that_fingerprint_not_the_strongest()
    {
        Assert.Equal(HostKeyPin.Of(Rsa), HostKeyPins.Resolve(Host(RsaFingerprint), 22, Listing(Ed25519, Rsa)));
        var missing = HostKeyPins.Resolve(Host(RsaFingerprint), 22, Listing(Ed25519, Ecdsa));
        Assert.Null(missing.Key);
        Assert.Contains($"hostKey {RsaFingerprint} matches no key", missing.Problem, StringComparison.Ordinal);
        Assert.Contains("ssh-keyscan -p 22 10.77.0.11", missing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_pin_is_taken_as_it_is_and_a_host_with_nothing_to_pin_says_how_to_pin_it()
    {
        Assert.Equal(HostKeyPin.Of(Rsa), HostKeyPins.Resolve(Host(Rsa), 22, Listing(Ed25519)));
        // known_hosts names a host on another port [address]:port
        var elsewhere = HostKeyPins.Resolve(Host(), 2222, Listing(Ed25519));
        Assert.Null(elsewhere.Key);
        Assert.Contains("list [10.77.0.11]:2222 in ssh.knownHostsFile", elsewhere.Problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyPin.Of(Ed25519), HostKeyPins.Resolve(Host(), 2222, KnownHosts.Parse($"[10.77.0.11]:2222 {Ed25519}\n")));
    }
}
