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
    /// <summary>Captures the environment of the current process.</summary>
    public static RunEnvironment Capture() => new(
        Environment.MachineName,
        Environment.ProcessId,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Environment.ProcessorCount);
}
