using Xunit.Abstractions;
using Xunit.Sdk;

namespace HaStack.Lab.Tests.Lab;

/// <summary>
/// Runs a class's tests in the order of their names: for a lifecycle (deploy, change, break, repair, destroy)
/// where each step starts from the hosts the one before left.
/// </summary>
public sealed class ByNameOrderer : ITestCaseOrderer
{
    public const string TypeName = "HaStack.Lab.Tests.Lab.ByNameOrderer";
    public const string AssemblyName = "HaStack.Lab.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
