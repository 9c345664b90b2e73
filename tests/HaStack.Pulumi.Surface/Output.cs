using System.Collections.Immutable;

namespace Pulumi;

/// <summary>What an output holds when it resolves: its value and whether it is known and secret, and the resources it came from.</summary>
internal sealed record OutputData<T>(T Value, bool IsKnown, bool IsSecret, ImmutableHashSet<Resource> Resources);

/// <summary>Non-generic access to any input or output, for the recording runtime (it walks args by reflection).</summary>
internal interface IOutputLike
{
    Task<OutputData<object?>> GetDataAsync();
}

public sealed class Output<T> : IOutputLike
{
    internal Task<OutputData<T>> DataTask { get; }

    internal Output(Task<OutputData<T>> data) => DataTask = data;

    async Task<OutputData<object?>> IOutputLike.GetDataAsync()
    {
        var data = await DataTask.ConfigureAwait(false);
        return new OutputData<object?>(data.Value, data.IsKnown, data.IsSecret, data.Resources);
    }

    public Output<ValueTuple> Apply(Func<T, Task> func) => Apply(async t => { await func(t).ConfigureAwait(false); return ValueTuple.Create(); });

    public Output<TResult> Apply<TResult>(Func<T, TResult> func) => Apply(t => Output.Create(func(t)));

    public Output<TResult> Apply<TResult>(Func<T, Task<TResult>> func) => Apply(t => Output.Create(func(t)));

    public Output<TResult> Apply<TResult>(Func<T, Input<TResult>?> func) => Apply(t => func(t)?.ToOutput());

    public Output<TResult> Apply<TResult>(Func<T, Output<TResult>?> func) => new(ApplyAsync(func));

    private async Task<OutputData<TResult>> ApplyAsync<TResult>(Func<T, Output<TResult>?> func)
    {
        var data = await DataTask.ConfigureAwait(false);
        // as Pulumi does: an unknown value is not given to the function
        if (!data.IsKnown)
            return new OutputData<TResult>(default!, false, data.IsSecret, data.Resources);
        var inner = func(data.Value);
        if (inner is null)
            return new OutputData<TResult>(default!, true, data.IsSecret, data.Resources);
        var result = await inner.DataTask.ConfigureAwait(false);
        return new OutputData<TResult>(result.Value, result.IsKnown, data.IsSecret || result.IsSecret, data.Resources.Union(result.Resources));
    }
}

public static class Output
{
    public static Output<T> Create<T>(T value) => Create(Task.FromResult(value));

    public static Output<T> Create<T>(Task<T> value) => new(Known(value, secret: false));

    public static Output<T> CreateSecret<T>(T value) => CreateSecret(Task.FromResult(value));

    public static Output<T> CreateSecret<T>(Task<T> value) => new(Known(value, secret: true));

    public static Output<T> CreateSecret<T>(Output<T> value) => new(Secret(value.DataTask));

    public static Output<T> Unsecret<T>(Output<T> output) => new(Unsecreted(output.DataTask));

    public static Task<bool> IsSecretAsync<T>(Output<T> output) => output.DataTask.ContinueWith(t => t.Result.IsSecret, TaskScheduler.Default);

    public static Output<ImmutableArray<T>> All<T>(params Input<T>[] inputs) => All(inputs.AsEnumerable());

    public static Output<ImmutableArray<T>> All<T>(IEnumerable<Input<T>> inputs) => All(inputs.Select(i => i.ToOutput()));

    public static Output<ImmutableArray<T>> All<T>(params Output<T>[] outputs) => All(outputs.AsEnumerable());

    public static Output<ImmutableArray<T>> All<T>(IEnumerable<Output<T>> outputs) => new(AllAsync(outputs.ToList()));

    private static async Task<OutputData<T>> Known<T>(Task<T> value, bool secret) =>
        new(await value.ConfigureAwait(false), true, secret, ImmutableHashSet<Resource>.Empty);

    private static async Task<OutputData<T>> Secret<T>(Task<OutputData<T>> data)
    {
        var d = await data.ConfigureAwait(false);
        return d with { IsSecret = true };
    }

    private static async Task<OutputData<T>> Unsecreted<T>(Task<OutputData<T>> data)
    {
        var d = await data.ConfigureAwait(false);
        return d with { IsSecret = false };
    }

    private static async Task<OutputData<ImmutableArray<T>>> AllAsync<T>(List<Output<T>> outputs)
    {
        var all = await Task.WhenAll(outputs.Select(o => o.DataTask)).ConfigureAwait(false);
        return new OutputData<ImmutableArray<T>>([.. all.Select(d => d.Value)], all.All(d => d.IsKnown), all.Any(d => d.IsSecret),
            all.Aggregate(ImmutableHashSet<Resource>.Empty, (set, d) => set.Union(d.Resources)));
    }
}
