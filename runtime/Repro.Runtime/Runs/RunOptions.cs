using System.Reflection;

namespace Repro;

/// <summary>How to start a <see cref="Run"/>.</summary>
public sealed class RunOptions
{
    /// <summary>A name for people; defaults to the program assembly's name.</summary>
    public string? Name { get; init; }

    /// <summary>Where runs are stored; defaults to <c>$REPRO_HOME</c>, else <c>./.repro</c>.</summary>
    public string? Home { get; init; }

    /// <summary>The assembly whose build stamp the run records; defaults to the entry assembly.</summary>
    public Assembly? ProgramAssembly { get; init; }
}
