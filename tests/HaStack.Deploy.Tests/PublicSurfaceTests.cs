namespace HaStack.Deploy.Tests;

/// <summary>
/// The engine's assemblies are a product's parts, not a library: every type is internal, and the CLI, the Pulumi
/// program and the tests see them through InternalsVisibleTo. A type made public fails here until it is added to the
/// pinned list on purpose.
/// </summary>
public class PublicSurfaceTests
{
    private static readonly string[] Pinned = [];

    [Fact]
    public void Infra_and_Deploy_export_only_the_pinned_types()
    {
        var assemblies = new[]
        {
            typeof(Planning.Planner).Assembly,
            typeof(Infra.StackPipeline).Assembly,
        };
        var exported = assemblies.SelectMany(a => a.GetExportedTypes()).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Pinned, exported);
        // and the assemblies are the ones meant: each holds many types
        Assert.All(assemblies, a => Assert.True(a.GetTypes().Length > 10, a.GetName().Name));
    }
}
