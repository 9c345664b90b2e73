using System.Security.Cryptography;
using System.Text;

namespace HaStack.Infra.Ssh;

/// <summary>One public host key from a known_hosts line, for the host patterns on that line.</summary>
internal sealed record KnownHostKey(string KeyType, byte[] Key, int LineNumber)
{
    /// <summary>OpenSSH's notation: "SHA256:" and the unpadded base64 of the key blob's SHA-256.</summary>
    public string Fingerprint => FingerprintOf(Key);

    public static string FingerprintOf(ReadOnlySpan<byte> keyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');
}

/// <summary>
/// OpenSSH's known_hosts format, read from text: plain and hashed (|1|salt|hash) host patterns,
/// [host]:port for non-standard ports, comments, and the @revoked marker. @cert-authority lines are
/// skipped: a pinned key is a key, not a CA.
/// </summary>
internal sealed class KnownHosts
{
    private readonly List<(Func<string, bool> Matches, KnownHostKey Key, bool Revoked)> entries = [];

    public IReadOnlyList<string> Problems => problems;
    private readonly List<string> problems = [];

    public static KnownHosts Parse(string text)
    {
        var result = new KnownHosts();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var revoked = false;
            if (fields[0].StartsWith('@'))
            {
                if (fields[0] == "@cert-authority")
                    continue;
                if (fields[0] != "@revoked")
                {
                    result.problems.Add($"line {lineNumber}: unknown marker {fields[0]}");
                    continue;
                }
                revoked = true;
                fields = fields[1..];
            }
            if (fields.Length < 3)
            {
                result.problems.Add($"line {lineNumber}: expected 'hosts key-type base64-key', got {fields.Length} field(s)");
                continue;
            }
            byte[] key;
            try
            {
                key = Convert.FromBase64String(fields[2]);
            }
            catch (FormatException)
            {
                result.problems.Add($"line {lineNumber}: the key is not valid base64");
                continue;
            }
            result.entries.Add((HostMatcher(fields[0]), new KnownHostKey(fields[1], key, lineNumber), revoked));
        }
        return result;
    }

    /// <summary>The keys listed for host (an address or name) on port, revoked ones excluded.</summary>
    public IReadOnlyList<KnownHostKey> KeysFor(string host, int port = 22)
    {
        var name = HostKeyName(host, port);
        return entries.Where(e => !e.Revoked && e.Matches(name)).Select(e => e.Key).ToList();
    }

    /// <summary>True when the presented key is listed for the host and not revoked.</summary>
    public bool Trusts(string host, int port, string keyType, ReadOnlySpan<byte> key)
    {
        var name = HostKeyName(host, port);
        var presented = key.ToArray();
        if (entries.Any(e => e.Revoked && e.Key.Key.AsSpan().SequenceEqual(presented)))
            return false;
        return entries.Any(e => !e.Revoked && e.Matches(name) && e.Key.KeyType == keyType
                                && e.Key.Key.AsSpan().SequenceEqual(presented));
    }

    /// <summary>How known_hosts names a host: plain on port 22, "[host]:port" elsewhere.</summary>
    public static string HostKeyName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    private static Func<string, bool> HostMatcher(string field)
    {
        if (field.StartsWith("|1|", StringComparison.Ordinal))
        {
            var parts = field.Split('|');
            if (parts.Length != 4)
                return _ => false;
            byte[] salt, hash;
            try
            {
                salt = Convert.FromBase64String(parts[2]);
                hash = Convert.FromBase64String(parts[3]);
            }
            catch (FormatException)
            {
                return _ => false;
            }
            // HMAC-SHA1 is what OpenSSH's HashKnownHosts writes; it hides names, it does not authenticate.
#pragma warning disable CA5350
            return name => CryptographicOperations.FixedTimeEquals(
                HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name)), hash);
#pragma warning restore CA5350
        }
        var patterns = field.Split(',');
        return name =>
        {
            var matched = false;
            foreach (var pattern in patterns)
            {
                var negated = pattern.StartsWith('!');
                if (!Glob(negated ? pattern[1..] : pattern, name))
                    continue;
                if (negated)
                    return false;
                matched = true;
            }
            return matched;
        };
    }

    // OpenSSH patterns: '*' any run, '?' one character, case-insensitive.
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
