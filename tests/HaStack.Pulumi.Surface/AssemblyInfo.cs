using System.Runtime.CompilerServices;

// the tests read what the recording runtime saw (dependencies, options), which Pulumi's own testing API does not show
[assembly: InternalsVisibleTo("HaStack.Pulumi.Tests")]
