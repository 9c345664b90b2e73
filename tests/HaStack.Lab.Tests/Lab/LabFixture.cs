namespace HaStack.Lab.Tests.Lab;

/// <summary>
/// Gives the lab tests a running lab: the one already up (left as it is afterwards), or one brought up
/// here with tests/lab/up.sh and torn down with down.sh when the tests are done.
/// </summary>
public sealed class LabFixture : IDisposable
{
    private readonly bool startedHere;
    public LabEnvironment Lab { get; }

    public LabFixture()
    {
        if (!LabEnvironment.IsUp)
        {
            LabEnvironment.RunScript("up.sh", "3");
            startedHere = true;
        }
        Lab = LabEnvironment.Read();
    }

    public void Dispose()
    {
        if (startedHere)
            LabEnvironment.RunScript("down.sh");
    }
}

/// <summary>Every class that uses the lab is in this collection: one lab, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class LabTestGroup : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}
