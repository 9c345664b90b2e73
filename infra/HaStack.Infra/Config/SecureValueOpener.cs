using System.Security.Cryptography;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Config;

/// <summary>
/// Opens the stack's <c>secure:</c> values with the passphrase, asked for only when the first one is met.
/// A missing passphrase, a wrong one or a damaged value each become one diagnostic, never an exception.
/// </summary>
internal sealed class SecureValueOpener(StackDocument document, Func<string?> passphrase)
{
    private PassphraseCrypter? crypter;
    private bool failed;

    public List<Diagnostic> Diagnostics { get; } = [];

    public Secret? Open(string key, ConfigSecure node)
    {
        if (!EnsureCrypter(key, node))
            return null;
        try
        {
            return new Secret(crypter!.Decrypt(node.Ciphertext));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            Diagnostics.Add(Diagnostic.Error("secure-value-damaged", key, "[secret]", "cannot be decrypted with this stack's key",
                $"set it again: pulumi config set --secret --path '{key}'", node.Location));
            return null;
        }
    }

    private bool EnsureCrypter(string key, ConfigSecure node)
    {
        if (crypter is not null)
            return true;
        if (failed)
            return false;
        failed = true;
        if (document.SecretsProvider is { } provider && !provider.StartsWith("passphrase", StringComparison.Ordinal))
        {
            Diagnostics.Add(Diagnostic.Error("secrets-provider", key, "[secret]",
                $"is encrypted by the secrets provider '{TextRules.Printable(provider)}', which HaStack's engine cannot open (it reads Pulumi's passphrase provider)",
                "run the stack through the Pulumi program (pulumi up), or move it to the passphrase provider: pulumi stack change-secrets-provider passphrase", node.Location));
            return false;
        }
        if (document.EncryptionSalt is null)
        {
            Diagnostics.Add(Diagnostic.Error("no-encryption-salt", key, "[secret]", $"is encrypted, but {document.StackFile} has no encryptionsalt",
                "restore the stack file's `encryptionsalt:` line (pulumi writes it with the first secret)", node.Location));
            return false;
        }
        string? phrase;
        try
        {
            phrase = passphrase();
        }
        catch (PassphraseUnreadableException e)
        {
            Diagnostics.Add(Diagnostic.Error("passphrase-file", key, "[secret]", $"is encrypted and the passphrase cannot be read: {e.Message}",
                "point PULUMI_CONFIG_PASSPHRASE_FILE at a regular file holding the passphrase, or set PULUMI_CONFIG_PASSPHRASE", node.Location));
            return false;
        }
        if (phrase is null)
        {
            Diagnostics.Add(Diagnostic.Error("missing-passphrase", key, "[secret]", "is encrypted and no passphrase was given",
                "set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a file holding it", node.Location));
            return false;
        }
        try
        {
            crypter = PassphraseCrypter.Open(document.EncryptionSalt, phrase);
            failed = false;
            return true;
        }
        catch (IncorrectPassphraseException e)
        {
            Diagnostics.Add(Diagnostic.Error("incorrect-passphrase", "encryptionsalt", null, "does not open with the passphrase given",
                e.Message, new SourceLocation(document.StackFile, 1)));
        }
        catch (FormatException e)
        {
            Diagnostics.Add(Diagnostic.Error("bad-encryption-salt", "encryptionsalt", document.EncryptionSalt, e.Message,
                "restore the line pulumi wrote", new SourceLocation(document.StackFile, 1)));
        }
        return false;
    }
}
