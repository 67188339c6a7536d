namespace Repro.Generators.Tests;

/// <summary><see cref="Run.Current"/> is process-wide: tests that start runs take turns.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SequentialRuns
{
    public const string Name = "Runs are process-wide";
}
