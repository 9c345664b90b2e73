using System.Text.RegularExpressions;
using HaStack.Infra.Rendering;

namespace HaStack.Infra.Tests;

/// <summary>The templates name secrets by text: each name they write must be one the code knows, or a file would carry a token nothing fills.</summary>
public sealed partial class SecretNamesTests
{
    [GeneratedRegex(@"secret\s+'(?<name>[a-z0-9_-]+)'\s+'(raw|yaml|sql|userlist)'")]
    private static partial Regex LiteralSecret();

    [Fact]
    public void Every_secret_a_template_names_is_one_the_code_knows()
    {
        var known = SecretNames.Generated.Append(SecretNames.VrrpAuth).Append(HaStack.Infra.Tls.TlsSecrets.CaCertificate).ToHashSet(StringComparer.Ordinal);
        var templates = typeof(StackRenderer).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("templates/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(templates);
        var named = new List<(string Template, string Name)>();
        foreach (var template in templates)
        {
            using var reader = new StreamReader(typeof(StackRenderer).Assembly.GetManifestResourceStream(template)!);
            named.AddRange(LiteralSecret().Matches(reader.ReadToEnd()).Select(m => (template, m.Groups["name"].Value)));
        }
        Assert.Contains(named, n => n.Name == SecretNames.PostgresSuperuser);
        Assert.All(named, n => Assert.True(known.Contains(n.Name), $"{n.Template} names secret '{n.Name}', which the code does not know"));
    }
}
