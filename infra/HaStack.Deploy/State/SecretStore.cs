using System.Security.Cryptography;
using HaStack.Infra.Config;
using HaStack.Infra.Rendering;
using HaStack.Infra.Stack;

namespace HaStack.Deploy.State;

/// <summary>
/// Every secret a run can need, by name: generated passwords (kept encrypted in state with the stack's
/// passphrase, created once) and the stack file's own secure values. Also the list of plaintexts that
/// logs and output must mask.
/// </summary>
public sealed class SecretStore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly StackState state;
    private readonly PassphraseCrypter crypter;
    private readonly Dictionary<string, string> fromConfig = new(StringComparer.Ordinal);

    public SecretStore(StackState state, StackConfig config, string passphrase)
    {
        this.state = state;
        if (state.EncryptionSalt is null)
        {
            var (salt, created) = PassphraseCrypter.Create(passphrase);
            state.EncryptionSalt = salt;
            crypter = created;
        }
        else
            crypter = PassphraseCrypter.Open(state.EncryptionSalt, passphrase);
        foreach (var user in config.Postgres.Users.Where(u => u.Password is not null))
            fromConfig[StackRenderer.UserSecret(user.Name)] = user.Password!.Reveal();
        if (config.Vip.AuthPassword is { } vrrp)
            fromConfig["vrrp-auth"] = vrrp.Reveal();
    }

    public bool Has(string name) => fromConfig.ContainsKey(name) || state.Secrets.ContainsKey(name);

    public string Value(string name) =>
        fromConfig.TryGetValue(name, out var given) ? given
        : state.Secrets.TryGetValue(name, out var sealedValue) ? crypter.Decrypt(sealedValue)
        : throw new KeyNotFoundException($"secret {name} does not exist yet (its password resource has not been created)");

    /// <summary>Creates a random password once; an existing one is kept.</summary>
    public void Generate(string name, int length)
    {
        if (state.Secrets.ContainsKey(name))
            return;
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        state.Secrets[name] = crypter.Encrypt(new string(chars));
    }

    public void Forget(string name) => state.Secrets.Remove(name);

    public string Encrypt(string plaintext) => crypter.Encrypt(plaintext);

    public string Decrypt(string ciphertext) => crypter.Decrypt(ciphertext);

    /// <summary>Replaces secret tokens with their values: the last step before content goes to a host.</summary>
    public string Reveal(string content) => SecretTokens.Substitute(content, Value);

    /// <summary>Every plaintext known now, longest first, for masking (Pulumi masks values of 3+ characters).</summary>
    public IReadOnlyList<string> Plaintexts() =>
        fromConfig.Values.Concat(state.Secrets.Values.Select(crypter.Decrypt)).Where(v => v.Length >= 3).Distinct().OrderByDescending(v => v.Length).ToList();
}
