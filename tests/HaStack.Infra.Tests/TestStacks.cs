using HaStack.Infra.Config;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Tests;

/// <summary>Stack files for tests: the ones in Stacks/, or text given inline, read the way the CLI reads them.</summary>
internal static class TestStacks
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Stacks");

    public const string Project = "name: hastack\nruntime: dotnet\n";

    /// <summary>A valid minimal stack: three hosts with every role, a VIP, SSH settings.</summary>
    public const string Minimal = """
        config:
          hastack:hosts:
            - { name: node1, address: 10.77.0.11 }
            - { name: node2, address: 10.77.0.12 }
            - { name: node3, address: 10.77.0.13 }
          hastack:ssh:
            privateKeyFile: /keys/id_ed25519
          hastack:vip:
            address: 10.77.0.100/24
        """;

    public static StackLoadResult Load(string stackText, string? passphrase = null, string stack = "test") =>
        StackConfigBinder.Load(StackFiles.Parse(Project, stackText, stack), () => passphrase);

    public static StackLoadResult LoadFile(string stack) =>
        StackPipeline.Load(Directory, stack, _ => null);

    public static StackConfig Valid(string stackText, string? passphrase = null)
    {
        var result = Load(stackText, passphrase);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    /// <summary>The minimal stack with one more key under config:, e.g. "hastack:patroni: { ttl: 10 }".</summary>
    public static string MinimalWith(string extraConfigLines) => Minimal + "\n" + Indent(extraConfigLines);

    private static string Indent(string lines) => string.Join("\n", lines.Split('\n').Select(l => "  " + l));
}
