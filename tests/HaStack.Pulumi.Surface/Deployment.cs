using System.Collections.Immutable;
using Pulumi.Testing;

namespace Pulumi;

public sealed class DeploymentInstance
{
    internal DeploymentInstance(string projectName, string stackName, bool isDryRun, string rootDirectory)
    {
        ProjectName = projectName;
        StackName = stackName;
        IsDryRun = isDryRun;
        RootDirectory = rootDirectory;
    }

    /// <summary>The directory of the project's Pulumi.yaml (the program itself runs in its main directory).</summary>
    public string RootDirectory { get; }

    public string ProjectName { get; }
    public string StackName { get; }
    public string OrganizationName => "organization";
    public bool IsDryRun { get; }
}

public static class Deployment
{
    private static DeploymentInstance? current;

    public static DeploymentInstance Instance =>
        current ?? throw new InvalidOperationException("Trying to acquire Deployment.Instance before 'Run' was called.");

    // the surface runs programs only under TestAsync: there is no engine here to run them against
    private static Task<int> NoEngine() => throw new NotSupportedException("the compile-check surface has no Pulumi engine; run the program with the Pulumi CLI");

    public static Task<int> RunAsync(Action action) => NoEngine();

    public static Task<int> RunAsync(Func<IDictionary<string, object?>> func) => NoEngine();

    public static Task<int> RunAsync(Func<Task> func) => NoEngine();

    public static Task<int> RunAsync(Func<Task<IDictionary<string, object?>>> func, StackOptions? options = null) => NoEngine();

    public static async Task<(ImmutableArray<Resource> Resources, IDictionary<string, object?> Outputs)> TestAsync(
        IMocks testMocks, TestOptions testOptions, Func<Task<IDictionary<string, object?>>> createResources)
    {
        current = new DeploymentInstance(testOptions.ProjectName ?? "project", testOptions.StackName ?? "stack", testOptions.IsPreview ?? true,
            testOptions.RootDirectory ?? Directory.GetCurrentDirectory());
        RecordingRuntime.Begin(testMocks);
        try
        {
            var outputs = await createResources().ConfigureAwait(false);
            var resources = await RecordingRuntime.CompleteAsync().ConfigureAwait(false);
            return (resources, outputs);
        }
        finally
        {
            current = null;
        }
    }

    public static async Task<(ImmutableArray<Resource> Resources, IDictionary<string, object?> Outputs)> TestAsync(
        IMocks testMocks, TestOptions testOptions, Func<IDictionary<string, object?>> createResources) =>
        await TestAsync(testMocks, testOptions, () => Task.FromResult(createResources())).ConfigureAwait(false);

    public static async Task<ImmutableArray<Resource>> TestAsync(IMocks testMocks, TestOptions testOptions, Func<Task> createResources) =>
        (await TestAsync(testMocks, testOptions, async () => { await createResources().ConfigureAwait(false); return new Dictionary<string, object?>(); }).ConfigureAwait(false)).Resources;

    public static async Task<ImmutableArray<Resource>> TestAsync(IMocks testMocks, TestOptions testOptions, Action createResources) =>
        (await TestAsync(testMocks, testOptions, () => { createResources(); return new Dictionary<string, object?>(); }).ConfigureAwait(false)).Resources;
}
