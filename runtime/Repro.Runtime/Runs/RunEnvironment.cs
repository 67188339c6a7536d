using System.Runtime.InteropServices;

namespace Repro.Runs;

/// <summary>The machine and process a run executes on.</summary>
/// <param name="Host">Host name.</param>
/// <param name="ProcessId">Operating-system process id.</param>
/// <param name="OperatingSystem">Operating-system description.</param>
/// <param name="Framework">.NET runtime description.</param>
/// <param name="ProcessorCount">Logical processors visible to the process.</param>
public sealed record RunEnvironment(string Host, int ProcessId, string OperatingSystem, string Framework, int ProcessorCount)
{
    /// <summary>Container id when the process runs in one, else null.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Rank of this process in distributed training (0 otherwise).</summary>
    public int Rank { get; init; }

    /// <summary>Number of processes in distributed training (1 otherwise).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Captures the environment of the current process.</summary>
    public static RunEnvironment Capture() => new(
        Environment.MachineName,
        Environment.ProcessId,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Environment.ProcessorCount);
}
