using System.Collections;
using System.Collections.Immutable;
using System.Reflection;

namespace Pulumi.Testing;

/// <summary>What the recording runtime saw of one resource: what a test can check beyond Pulumi's own testing API.</summary>
internal sealed record RecordedResource(Resource Resource, string Type, string Name, bool Custom, ImmutableDictionary<string, object> Inputs,
    ImmutableHashSet<string> SecretInputs, Resource? Parent, ImmutableArray<Resource> DependsOn, ResourceOptions Options);

/// <summary>
/// Registers resources as Pulumi's test monitor does: each resource's [Input] properties are resolved (secrets
/// unwrapped, unknowns dropped) and handed to the test's IMocks, whose state becomes the [Output] properties, secret
/// where the input of the same name was or the options say so. Serial: one program at a time.
/// </summary>
internal static class RecordingRuntime
{
    private static IMocks? mocks;
    private static readonly List<Task> Pending = [];
    private static readonly List<RecordedResource> Registered = [];

    public static List<(string Level, string Message)> Logged { get; } = [];

    public static IReadOnlyList<RecordedResource> Resources
    {
        get
        {
            lock (Registered)
                return [.. Registered];
        }
    }

    public static void Begin(IMocks testMocks)
    {
        mocks = testMocks;
        lock (Registered)
        {
            Registered.Clear();
            Pending.Clear();
            Logged.Clear();
        }
    }

    public static async Task<ImmutableArray<Resource>> CompleteAsync()
    {
        while (true)
        {
            Task[] waiting;
            lock (Registered)
                waiting = [.. Pending];
            await Task.WhenAll(waiting).ConfigureAwait(false);
            lock (Registered)
            {
                if (Pending.Count == waiting.Length)
                    return [.. Registered.Select(r => r.Resource)];
            }
        }
    }

    public static void Register(Resource resource, ResourceArgs? args, ResourceOptions options, bool custom)
    {
        var outputs = OutputProperties(resource)
            .Select(p => (Property: p, Pending: MakePending(p.PropertyType.GetGenericArguments()[0])))
            .ToList();
        foreach (var (property, pending) in outputs)
            property.SetValue(resource, pending.Output);
        var task = RegisterAsync(resource, args, options, custom, outputs);
        lock (Registered)
            Pending.Add(task);
    }

    private static IEnumerable<PropertyInfo> OutputProperties(Resource resource) =>
        resource.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => p.GetCustomAttribute<OutputAttribute>() is not null && p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Output<>));

    private static async Task RegisterAsync(Resource resource, ResourceArgs? args, ResourceOptions options, bool custom,
        List<(PropertyInfo Property, PendingOutput Pending)> outputs)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var inputs = ImmutableDictionary.CreateBuilder<string, object>();
        if (args is not null)
        {
            foreach (var (name, value) in InputsOf(args))
            {
                var (resolved, known, secret) = await Resolve(value).ConfigureAwait(false);
                if (secret)
                    secrets.Add(name);
                if (known && resolved is not null)
                    inputs[name] = resolved;
            }
        }
        var dependsOn = (await options.DependsOn.ToOutput().DataTask.ConfigureAwait(false)).Value;
        var record = new RecordedResource(resource, resource.GetResourceType(), resource.GetResourceName(), custom, inputs.ToImmutable(),
            [.. secrets], options.Parent, dependsOn, options);
        lock (Registered)
            Registered.Add(record);
        object state = ImmutableDictionary<string, object>.Empty;
        if (custom)
            (_, state) = await mocks!.NewResourceAsync(new MockResourceArgs { Type = record.Type, Name = record.Name, Inputs = record.Inputs }).ConfigureAwait(false);
        var values = state as IDictionary<string, object> ?? (state as IReadOnlyDictionary<string, object>)?.ToDictionary() ?? [];
        var additional = options is CustomResourceOptions custom2 ? custom2.AdditionalSecretOutputs : [];
        foreach (var (property, pending) in outputs)
        {
            var name = property.GetCustomAttribute<OutputAttribute>()!.Name ?? property.Name;
            pending.Complete(values.TryGetValue(name, out var v) ? v : null, secrets.Contains(name) || additional.Contains(name));
        }
    }

    private static IEnumerable<(string Name, object? Value)> InputsOf(object args) =>
        args.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<InputAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.Name, x.Property.GetValue(args)));

    /// <summary>A value as the monitor sends it: outputs awaited, args as maps, lists as lists; unknown or secret anywhere inside counts.</summary>
    private static async Task<(object? Value, bool Known, bool Secret)> Resolve(object? value)
    {
        switch (value)
        {
            case null:
                return (null, true, false);
            case IOutputLike output:
                var data = await output.GetDataAsync().ConfigureAwait(false);
                var inner = await Resolve(data.Value).ConfigureAwait(false);
                return (inner.Value, data.IsKnown && inner.Known, data.IsSecret || inner.Secret);
            case ResourceArgs nested:
                var map = ImmutableDictionary.CreateBuilder<string, object>();
                var (known, secret) = (true, false);
                foreach (var (name, v) in InputsOf(nested))
                {
                    var r = await Resolve(v).ConfigureAwait(false);
                    known &= r.Known;
                    secret |= r.Secret;
                    if (r.Value is not null)
                        map[name] = r.Value;
                }
                return (map.ToImmutable(), known, secret);
            case string or AssetOrArchive or Resource:
                return (value, true, false);
            case IEnumerable list:
                var items = ImmutableArray.CreateBuilder<object>();
                var (allKnown, anySecret) = (true, false);
                foreach (var item in list)
                {
                    var r = await Resolve(item).ConfigureAwait(false);
                    allKnown &= r.Known;
                    anySecret |= r.Secret;
                    if (r.Value is not null)
                        items.Add(r.Value);
                }
                return (items.ToImmutable(), allKnown, anySecret);
            default:
                return (value, true, false);
        }
    }

    private sealed record PendingOutput(object Output, Action<object?, bool> Complete);

    private static PendingOutput MakePending(Type valueType) =>
        (PendingOutput)typeof(RecordingRuntime).GetMethod(nameof(MakePendingOf), BindingFlags.Static | BindingFlags.NonPublic)!
            .MakeGenericMethod(valueType).Invoke(null, null)!;

    private static PendingOutput MakePendingOf<T>()
    {
        var source = new TaskCompletionSource<OutputData<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new PendingOutput(new Output<T>(source.Task), (value, secret) =>
            source.SetResult(new OutputData<T>(Convert<T>(value), true, secret, ImmutableHashSet<Resource>.Empty)));
    }

    /// <summary>The mock's state value as the property's type; what does not fit is the type's default, as a missing output would be.</summary>
    private static T Convert<T>(object? value) => value switch
    {
        T typed => typed,
        null => default!,
        IEnumerable list when typeof(T) == typeof(ImmutableArray<object>) => (T)(object)list.Cast<object>().ToImmutableArray(),
        _ when Nullable.GetUnderlyingType(typeof(T)) is { } under && under.IsInstanceOfType(value) => (T)value,
        _ => default!,
    };
}
