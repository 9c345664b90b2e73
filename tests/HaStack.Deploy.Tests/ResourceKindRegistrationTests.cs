using HaStack.Infra.Graph;

namespace HaStack.Deploy.Tests;

/// <summary>
/// Every resource kind is registered with the embedded engine as well as with the planner: a kind without a provider
/// fails here, not at the first up that plans it. (Its Pulumi mapping is checked by ProgramMapperTests.)
/// </summary>
public class ResourceKindRegistrationTests
{
    public static TheoryData<string> Kinds => [.. ResourceKinds.ByType.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_has_a_provider(string type) => Assert.NotNull(Providers.Providers.For(type));

    [Fact]
    public void A_type_no_kind_has_has_no_provider() =>
        Assert.Throws<InvalidOperationException>(() => Providers.Providers.For("hastack:cluster:Nothing"));
}
