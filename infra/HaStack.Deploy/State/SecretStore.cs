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
internal sealed class SecretStore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly StackState state;
    private readonly PassphraseCrypter crypter;
    private readonly IReadOnlyDictionary<string, string> fromConfig;

    /// <param name="key">the stack's key, as <see cref="StateStore.Load"/> opened it from the state's salt</param>
    public SecretStore(StackState state, StackConfig config, PassphraseCrypter key)
    {
        this.state = state;
        crypter = key;
        fromConfig = StackRenderer.SecretsFromStack(config);
    }

    /// <summary>Opens the state's salt with <paramref name="passphrase"/>, or gives a state without one a new salt.</summary>
    public SecretStore(StackState state, StackConfig config, string passphrase)
        : this(state, config, OpenOrCreate(state, passphrase))
    {
    }

    private static PassphraseCrypter OpenOrCreate(StackState state, string passphrase)
    {
        if (state.EncryptionSalt is not null)
            return PassphraseCrypter.Open(state.EncryptionSalt, passphrase);
        var (salt, created) = PassphraseCrypter.Create(passphrase);
        state.EncryptionSalt = salt;
        return created;
    }

    // steps run in parallel and the state is saved while others work: every touch of state.Secrets holds the
    // state's monitor, the same one the step runner holds while it saves
    public bool Has(string name)
    {
        lock (state)
            return fromConfig.ContainsKey(name) || state.Secrets.ContainsKey(name);
    }

    public string Value(string name)
    {
        if (fromConfig.TryGetValue(name, out var given))
            return given;
        string? sealedValue;
        lock (state)
            state.Secrets.TryGetValue(name, out sealedValue);
        return sealedValue is not null ? crypter.Decrypt(sealedValue)
            : throw new KeyNotFoundException($"secret {name} does not exist yet (its password resource has not been created)");
    }

    /// <summary>Creates a random password once; an existing one is kept.</summary>
    public void Generate(string name, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        var sealedValue = crypter.Encrypt(new string(chars));
        lock (state)
            state.Secrets.TryAdd(name, sealedValue);
    }

    /// <summary>Keeps a value made elsewhere (a certificate, a key), replacing any earlier one; a value the stack file gives cannot be replaced.</summary>
    public void Set(string name, string value)
    {
        if (fromConfig.ContainsKey(name))
            throw new InvalidOperationException($"secret {name} comes from the stack file; it is not replaced");
        var sealedValue = crypter.Encrypt(value);
        lock (state)
            state.Secrets[name] = sealedValue;
    }

    public void Forget(string name)
    {
        lock (state)
            state.Secrets.Remove(name);
    }

    public string Encrypt(string plaintext) => crypter.Encrypt(plaintext);

    /// <summary>The secret's version as state records it (<see cref="PassphraseCrypter.Fingerprint"/>), or null while it does not exist.</summary>
    public string? Version(string name) => Has(name) ? crypter.Fingerprint(Value(name)) : null;

    public string Decrypt(string ciphertext) => crypter.Decrypt(ciphertext);

    /// <summary>Replaces secret tokens with their values: the last step before content goes to a host.</summary>
    public string Reveal(string content) => SecretTokens.Substitute(content, Value);

    /// <summary>Every plaintext known now, longest first, for masking (Pulumi masks values of 3+ characters).</summary>
    public IReadOnlyList<string> Plaintexts()
    {
        List<string> sealedValues;
        lock (state)
            sealedValues = [.. state.Secrets.Values];
        return fromConfig.Values.Concat(sealedValues.Select(crypter.Decrypt)).Where(v => v.Length >= 3).Distinct().OrderByDescending(v => v.Length).ToList();
    }
}
