using HaStack.Infra.Config;
using HaStack.Infra.Ssh;

namespace HaStack.Pulumi.Mapping;

/// <summary>The one key the program pins for a host (authorized_keys form, "ssh-ed25519 AAAA..."), or why there is none.</summary>
internal sealed record HostKeyPin(string? Key, string? Problem)
{
    public static HostKeyPin Of(string key) => new(key, null);
}

/// <summary>
/// pulumi-command checks a host key only when it is given one, as one key, and then offers the server only that key's
/// algorithm. So the program pins the stack's hostKey when it is a key; a <c>SHA256:</c> fingerprint is resolved to
/// the key known_hosts lists for the host with that fingerprint; with no pin, known_hosts' strongest key for the host
/// is taken, ed25519 before ecdsa before rsa (an OpenSSH 9 server refuses the ssh-rsa signature that an rsa key
/// listed first would ask for). A host with none of these is refused before anything runs.
/// </summary>
internal static class HostKeyPins
{
    public static HostKeyPin Resolve(HostConfig host, int port, KnownHosts knownHosts)
    {
        var listed = knownHosts.KeysFor(host.Address, port);
        var at = KnownHosts.HostKeyName(host.Address, port);
        if (host.HostKey is { } pinned && !pinned.StartsWith("SHA256:", StringComparison.Ordinal))
            return HostKeyPin.Of(pinned);
        if (host.HostKey is { } fingerprint)
            return listed.FirstOrDefault(k => k.Fingerprint == fingerprint) is { } match ? HostKeyPin.Of(Line(match))
                : new HostKeyPin(null, $"{host.Name}: hostKey {fingerprint} matches no key that ssh.knownHostsFile lists for {at}; pulumi-command pins a key, " +
                    $"not a fingerprint: add the host's keys to known_hosts (ssh-keyscan -p {port} {host.Address}) or set hostKey to the key itself");
        return listed.OrderBy(k => Preference(k.KeyType)).FirstOrDefault() is { } best ? HostKeyPin.Of(Line(best))
            : new HostKeyPin(null, $"{host.Name}: no host key to pin (pulumi-command checks a host key only when it is given one): set hostKey on the host " +
                $"(ssh-keyscan -p {port} {host.Address} prints it) or list {at} in ssh.knownHostsFile");
    }

    /// <summary>Strongest first: ed25519, then ecdsa, then rsa, then anything else.</summary>
    internal static int Preference(string keyType) => keyType switch
    {
        "ssh-ed25519" => 0,
        _ when keyType.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) => 1,
        "ssh-rsa" => 2,
        _ => 3,
    };

    private static string Line(KnownHostKey key) => $"{key.KeyType} {Convert.ToBase64String(key.Key)}";
}
