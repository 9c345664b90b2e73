using System.Collections.Immutable;

namespace Pulumi.Utilities;

/// <summary>Pulumi's helpers "for test and debugging": an output's value, whether it is known, what it depends on.</summary>
public static class OutputUtilities
{
    public static async Task<T> GetValueAsync<T>(Output<T> output) => (await output.DataTask.ConfigureAwait(false)).Value;

    public static async Task<bool> GetIsKnownAsync<T>(Output<T> output) => (await output.DataTask.ConfigureAwait(false)).IsKnown;

    public static async Task<ImmutableHashSet<Resource>> GetDependenciesAsync<T>(Output<T> output) => (await output.DataTask.ConfigureAwait(false)).Resources;
}
