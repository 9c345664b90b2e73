using System.Security.Cryptography;
using System.Text.Json;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>Pulumi's passphrase provider, checked against vectors computed with Node.js crypto (not with this code).</summary>
public class PassphraseCrypterTests
{
    private static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pulumi-passphrase-vectors.json"))).RootElement;

    private static readonly Lazy<PassphraseCrypter> Opened = new(() =>
        PassphraseCrypter.Open(Vectors.GetProperty("encryptionsalt").GetString()!, Vectors.GetProperty("passphrase").GetString()!));

    public static TheoryData<int> VectorIndexes() => new(Enumerable.Range(0, 3));

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Independent_vectors_decrypt_to_their_plaintext(int index)
    {
        var vector = Vectors.GetProperty("values")[index];
        Assert.Equal(vector.GetProperty("plaintext").GetString(), Opened.Value.Decrypt(vector.GetProperty("secure").GetString()!));
    }

    [Fact]
    public void A_wrong_passphrase_is_refused_by_the_check_value()
    {
        var e = Assert.Throws<IncorrectPassphraseException>(() =>
            PassphraseCrypter.Open(Vectors.GetProperty("encryptionsalt").GetString()!, Vectors.GetProperty("wrong_passphrase").GetString()!));
        Assert.Contains("PULUMI_CONFIG_PASSPHRASE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_ciphertext_fails_authentication()
    {
        var secure = Vectors.GetProperty("values")[0].GetProperty("secure").GetString()!;
        var parts = secure.Split(':');
        var bytes = Convert.FromBase64String(parts[2]);
        bytes[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Opened.Value.Decrypt($"v1:{parts[1]}:{Convert.ToBase64String(bytes)}"));
    }

    [Fact]
    public void A_new_salt_state_opens_with_its_passphrase_and_round_trips_values()
    {
        var (salt, crypter) = PassphraseCrypter.Create("hunter2 ünïcødé");
        Assert.Matches("^v1:[A-Za-z0-9+/]{11}=:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$", salt);
        var secure = crypter.Encrypt("s3cret 'quoted' \"value\"");
        Assert.Equal("s3cret 'quoted' \"value\"", PassphraseCrypter.Open(salt, "hunter2 ünïcødé").Decrypt(secure));
        Assert.NotEqual(secure, crypter.Encrypt("s3cret 'quoted' \"value\"")); // a fresh nonce each time
        Assert.Throws<IncorrectPassphraseException>(() => PassphraseCrypter.Open(salt, "hunter2"));
    }

    [Fact]
    public void A_secrets_version_is_stable_per_stack_key_changes_with_the_value_and_is_not_a_plain_hash_of_it()
    {
        var crypter = Opened.Value;
        var version = crypter.Fingerprint("S3cret");
        Assert.Matches("^v1:[0-9a-f]{32}\\z", version);
        Assert.Equal(version, crypter.Fingerprint("S3cret"));
        Assert.NotEqual(version, crypter.Fingerprint("S3cret2"));
        Assert.NotEqual(version, PassphraseCrypter.Create("another stack").Crypter.Fingerprint("S3cret"));
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData("S3cret"u8))[..32], version, StringComparison.Ordinal);
    }
}
