using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>The rules that need encrypted values or a broken file shape, which the table of ValidationRuleTests cannot write inline.</summary>
public class SecretAndShapeRuleTests
{
    private static readonly (string Salt, PassphraseCrypter Crypter) Key = PassphraseCrypter.Create("k");

    private static StackLoadResult WithVip(string vipLines) =>
        TestStacks.Load($"encryptionsalt: {Key.Salt}\n" + TestStacks.Minimal.Replace("address: 10.77.0.100/24", "address: 10.77.0.100/24\n" + vipLines, StringComparison.Ordinal), "k");

    private static Diagnostic Single(StackLoadResult result, string rule)
    {
        var hit = Assert.Single(result.Diagnostics, d => d.Rule == rule);
        Assert.Null(result.Config);
        return hit;
    }

    [Fact]
    public void Vrrp_v3_with_a_password_is_refused()
    {
        var d = Single(WithVip($"    authPassword:\n      secure: {Key.Crypter.Encrypt("pw")}"), "vrrp-auth-v3");
        Assert.Equal("hastack:vip.authPassword", d.Key);
        Assert.Equal("[secret]", d.Value);
    }

    [Fact]
    public void Vrrp_v2_password_longer_than_8_characters_is_refused()
    {
        var d = Single(WithVip($"    vrrpVersion: 2\n    advertInterval: 1\n    authPassword:\n      secure: {Key.Crypter.Encrypt("123456789")}"), "vrrp-auth-length");
        Assert.DoesNotContain("123456789", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_secure_value_is_named_without_its_value()
    {
        var good = Key.Crypter.Encrypt("secret!");
        var damaged = good[..^4] + (good[^4] == 'A' ? "B" : "A") + good[^3..];
        Single(WithVip($"    vrrpVersion: 2\n    advertInterval: 1\n    authPassword:\n      secure: {damaged}"), "secure-value-damaged");
    }

    [Fact]
    public void A_mangled_encryption_salt_is_reported()
    {
        var result = TestStacks.Load("encryptionsalt: v1:notbase64\n" + TestStacks.MinimalWith("hastack:postgres:\n  users:\n    - name: app\n      password:\n        secure: v1:AAAA:BBBB"), "k");
        Assert.Contains(result.Diagnostics, d => d.Rule == "bad-encryption-salt");
    }

    [Fact]
    public void A_project_without_a_name_and_a_config_that_is_not_a_mapping_are_reported()
    {
        var result = StackConfigBinder.Load(StackFiles.Parse("runtime: dotnet\n", "config: [1, 2]\n", "t"), () => null);
        Assert.Contains(result.Diagnostics, d => d.Rule == "project-name");
        Assert.Contains(result.Diagnostics, d => d.Rule == "stack-config-shape");
        Assert.Null(result.Config);
    }
}
