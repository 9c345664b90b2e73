using System.Collections.Immutable;

namespace Pulumi.Testing;

public interface IMocks
{
    Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args);

    Task<object> CallAsync(MockCallArgs args);
}

public class MockResourceArgs
{
    public string? Type { get; set; }
    public string? Name { get; set; }
    public ImmutableDictionary<string, object> Inputs { get; set; } = ImmutableDictionary<string, object>.Empty;
    public string? Provider { get; set; }
    public string? Id { get; set; }
}

public class MockCallArgs
{
    public string? Token { get; set; }
    public ImmutableDictionary<string, object> Args { get; set; } = ImmutableDictionary<string, object>.Empty;
    public string? Provider { get; set; }
}

public class TestOptions
{
    public string? ProjectName { get; set; }
    public string? StackName { get; set; }
    public string? OrganizationName { get; set; }
    public string? RootDirectory { get; set; }
    public bool? IsPreview { get; set; }
}
