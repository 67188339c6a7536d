namespace Repro.Tests.Shared;

/// <summary><see cref="Run.Current"/> is process-wide: test classes that start runs join this collection and take turns.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SequentialRuns
{
    public const string Name = "Runs are process-wide";
}
