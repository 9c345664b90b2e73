using System.Security.Cryptography;
using System.Text;

namespace HaStack.Infra.Stack;

/// <summary>The passphrase is wrong: the stack's check value does not decrypt to "pulumi".</summary>
internal sealed class IncorrectPassphraseException() : Exception(
    "incorrect passphrase: set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it " +
    "(as pulumi reads that file, a newline at its end is part of the passphrase: write it with printf, not echo)");

/// <summary>
/// Pulumi's passphrase secrets provider, byte for byte: the key is PBKDF2-HMAC-SHA256 of the passphrase over the
/// 8-byte salt in <c>encryptionsalt</c> (1,000,000 iterations, 32 bytes); each value is AES-256-GCM with a 12-byte
/// nonce and no associated data, written <c>v1:base64(nonce):base64(ciphertext||tag)</c>.
/// </summary>
internal sealed class PassphraseCrypter
{
    public const int Iterations = 1_000_000;
    private const string CheckPlaintext = "pulumi";
    private const int NonceBytes = 12, TagBytes = 16, SaltBytes = 8;
    private readonly byte[] key;

    private PassphraseCrypter(byte[] key) => this.key = key;

    /// <summary>Derives the key from <paramref name="saltState"/> (v1:salt:check) and proves it on the check value.</summary>
    public static PassphraseCrypter Open(string saltState, string passphrase)
    {
        var parts = saltState.Split(':', 3);
        if (parts.Length != 3 || parts[0] != "v1")
            throw new FormatException($"encryptionsalt '{saltState}' is not Pulumi's v1:<salt>:<check value> form");
        var salt = Convert.TryFromBase64String(parts[1], new byte[parts[1].Length], out var saltLength) ? Convert.FromBase64String(parts[1]) : null;
        if (salt is null || saltLength != SaltBytes)
            throw new FormatException($"encryptionsalt's salt is not {SaltBytes} bytes in base64");
        var crypter = new PassphraseCrypter(DeriveKey(passphrase, salt));
        try
        {
            if (crypter.Decrypt(parts[2]) != CheckPlaintext)
                throw new IncorrectPassphraseException();
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new IncorrectPassphraseException();
        }
        return crypter;
    }

    /// <summary>A new salt state for a stack that has none yet, and the crypter it opens.</summary>
    public static (string SaltState, PassphraseCrypter Crypter) Create(string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var crypter = new PassphraseCrypter(DeriveKey(passphrase, salt));
        return ("v1:" + Convert.ToBase64String(salt) + ":" + crypter.Encrypt(CheckPlaintext), crypter);
    }

    public string Encrypt(string plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[clear.Length + TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(0, clear.Length), sealedBytes.AsSpan(clear.Length));
        return "v1:" + Convert.ToBase64String(nonce) + ":" + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Decrypts a v1 value; a tampered value or wrong key throws CryptographicException.</summary>
    public string Decrypt(string ciphertext)
    {
        var parts = ciphertext.Split(':');
        if (parts.Length != 3 || parts[0] != "v1")
            throw new FormatException("a secure value has the form v1:<nonce>:<ciphertext>");
        var nonce = Convert.FromBase64String(parts[1]);
        var sealedBytes = Convert.FromBase64String(parts[2]);
        if (nonce.Length != NonceBytes || sealedBytes.Length < TagBytes)
            throw new FormatException("a secure value's nonce must be 12 bytes and its ciphertext at least the 16-byte tag");
        var clear = new byte[sealedBytes.Length - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(nonce, sealedBytes.AsSpan(0, clear.Length), sealedBytes.AsSpan(clear.Length), clear);
        try
        {
            // strictly: a replaced byte would deploy another password than the one stored
            return StrictUtf8.GetString(clear);
        }
        catch (DecoderFallbackException)
        {
            throw new CryptographicException("the secret decrypts to bytes that are not UTF-8 text");
        }
    }

    /// <summary>
    /// A secret's version for state: an HMAC of its value under a key of its own derived from the stack's key, so
    /// state can tell that a secret changed without holding anything that would let its value be guessed offline.
    /// </summary>
    public string Fingerprint(string plaintext)
    {
        var versionKey = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("hastack secret version"));
        return "v1:" + Convert.ToHexStringLower(HMACSHA256.HashData(versionKey, Encoding.UTF8.GetBytes(plaintext)))[..32];
    }

    /// <summary>
    /// The authentication code of a state's content: an HMAC-SHA256 under a key of its own derived from the stack's
    /// key, so only whoever holds the passphrase can write a state HaStack accepts (an unkeyed hash anyone can recompute).
    /// </summary>
    public string StateCode(ReadOnlySpan<byte> content)
    {
        var stateKey = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("hastack state authentication"));
        return "v1:" + Convert.ToHexStringLower(HMACSHA256.HashData(stateKey, content));
    }

    /// <summary>Whether <paramref name="code"/> is <see cref="StateCode"/> of <paramref name="content"/>, compared in constant time.</summary>
    public bool StateCodeMatches(ReadOnlySpan<byte> content, string code) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(StateCode(content)), Encoding.UTF8.GetBytes(code));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static byte[] DeriveKey(string passphrase, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
