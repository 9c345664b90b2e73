using System.Collections;
using System.Collections.Immutable;

namespace Pulumi;

public class Input<T> : IOutputLike
{
    private protected readonly Output<T> _outputValue;

    private protected Input(Output<T> outputValue) => _outputValue = outputValue;

    internal virtual Output<T> ToOutput() => _outputValue;

    Task<OutputData<object?>> IOutputLike.GetDataAsync() => ((IOutputLike)ToOutput()).GetDataAsync();

    public static implicit operator Input<T>(T value) => Output.Create(value);

    public static implicit operator Input<T>(Output<T> value) => new(value);

    public static implicit operator Output<T>(Input<T> input) => input.ToOutput();
}

public sealed class InputList<T> : Input<ImmutableArray<T>>, IEnumerable, IAsyncEnumerable<Input<T>>
{
    public InputList()
        : this(Output.Create(ImmutableArray<T>.Empty))
    {
    }

    private InputList(Output<ImmutableArray<T>> values)
        : base(values)
    {
    }

    // the list grows by replacing its output: Add after construction must still be seen by the runtime
    private Output<ImmutableArray<T>> current => _items ?? _outputValue;
    private Output<ImmutableArray<T>>? _items;

    internal Output<ImmutableArray<T>> Items => current;

    internal override Output<ImmutableArray<T>> ToOutput() => current;

    public void Add(params Input<T>[] inputs) => _items = Concat(current, Output.All(inputs));

    public void Add(InputList<T> inputs) => _items = Concat(current, inputs.Items);

    public void AddRange(InputList<T> inputs) => _items = Concat(current, inputs.Items);

    public InputList<T> Concat(InputList<T> other) => new(Concat(current, other.Items));

    private static Output<ImmutableArray<T>> Concat(Output<ImmutableArray<T>> first, Output<ImmutableArray<T>> second) =>
        Output.All<ImmutableArray<T>>(first, second).Apply(both => both[0].AddRange(both[1]));

    IEnumerator IEnumerable.GetEnumerator() => throw new NotSupportedException("A list of inputs cannot be enumerated; Apply it instead");

    public async IAsyncEnumerator<Input<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var data = await current.DataTask.ConfigureAwait(false);
        foreach (var value in data.Value)
            yield return value;
    }

    public static implicit operator InputList<T>(T value) => ImmutableArray.Create<Input<T>>(value);

    public static implicit operator InputList<T>(T[] values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(List<T> values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(ImmutableArray<T> values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(Output<T> value) => ImmutableArray.Create<Input<T>>(value);

    public static implicit operator InputList<T>(Output<T>[] values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(List<Output<T>> values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(ImmutableArray<Output<T>> values) => ImmutableArray.CreateRange(values.Select(v => (Input<T>)v));

    public static implicit operator InputList<T>(Input<T> value) => ImmutableArray.Create(value);

    public static implicit operator InputList<T>(Input<T>[] values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(List<Input<T>> values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(ImmutableArray<Input<T>> values) => new(Output.All(values));

    public static implicit operator InputList<T>(Output<T[]> values) => new(values.Apply(a => ImmutableArray.CreateRange(a)));

    public static implicit operator InputList<T>(Output<List<T>> values) => new(values.Apply(a => ImmutableArray.CreateRange(a)));

    public static implicit operator InputList<T>(Output<IEnumerable<T>> values) => new(values.Apply(a => ImmutableArray.CreateRange(a)));

    public static implicit operator InputList<T>(Output<ImmutableArray<T>> values) => new(values);
}
