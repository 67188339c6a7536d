using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using Repro.Security;
using Repro.Telemetry;

namespace Repro.Runs;

/// <summary>The machine and process a run executes on. Command line and environment are recorded redacted.</summary>
/// <param name="Host">Host name.</param>
/// <param name="ProcessId">Operating-system process id.</param>
/// <param name="OperatingSystem">Operating-system description.</param>
/// <param name="Framework">.NET runtime description.</param>
/// <param name="ProcessorCount">Logical processors visible to the process.</param>
public sealed record RunEnvironment(string Host, int ProcessId, string OperatingSystem, string Framework, int ProcessorCount)
{
    // Variables recorded at all: those that decide how training runs. Anything else (PATH, HOME, cloud credentials)
    // stays out of the manifest entirely; recorded values are redacted as well.
    private static readonly string[] RecordedPrefixes =
    [
        "REPRO_", "DOTNET_", "COMPlus_", "TORCH", "CUDA", "CUBLAS", "CUDNN", "NCCL", "NVIDIA_", "OMP_", "MKL_", "KMP_",
        "LANG", "LC_", "TZ",
    ];

    /// <summary>Container id when the process runs in one, else null.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Rank of this process in distributed training (0 otherwise).</summary>
    public int Rank { get; init; }

    /// <summary>Number of processes in distributed training (1 otherwise).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>
    /// The distributed job this process belongs to (see <see cref="RunOptions.JobId"/>): the runs of every rank that
    /// share it form one logical run. Null for a single process.
    /// </summary>
    public string? JobId { get; init; }

    /// <summary>Kernel release (Linux: /proc/sys/kernel/osrelease), or the OS version elsewhere.</summary>
    public string? Kernel { get; init; }

    /// <summary>CPU model name, when the system says.</summary>
    public string? CpuModel { get; init; }

    /// <summary>Memory available to the process in bytes (container limits included).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>The .NET runtime identifier of the process (linux-x64, win-arm64, …).</summary>
    public string? RuntimeIdentifier { get; init; }

    /// <summary>GPUs nvidia-smi reports, with driver and CUDA version; empty without nvidia-smi.</summary>
    public IReadOnlyList<GpuInfo> Gpus { get => _gpus; init => _gpus = value ?? []; }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyList<GpuInfo> _gpus = [];

    /// <summary>Versions of libraries that decide numerics, when loaded or loadable: TorchSharp.</summary>
    public IReadOnlyDictionary<string, string> Libraries { get => _libraries; init => _libraries = value ?? new SortedDictionary<string, string>(StringComparer.Ordinal); }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyDictionary<string, string> _libraries = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The command line, each argument redacted (<see cref="SecretRedactor.RedactArguments"/>).</summary>
    public IReadOnlyList<string> CommandLine { get => _commandLine; init => _commandLine = value ?? []; }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyList<string> _commandLine = [];

    /// <summary>The working directory the run started in.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables that shape training (an allowlist of prefixes), values redacted, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> Variables { get => _variables; init => _variables = value ?? new SortedDictionary<string, string>(StringComparer.Ordinal); }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyDictionary<string, string> _variables = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Captures the environment of the current process.</summary>
    public static RunEnvironment Capture() => new(
        Environment.MachineName,
        Environment.ProcessId,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Environment.ProcessorCount)
    {
        Kernel = ReadFirstLine("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
        CpuModel = CpuModelName(),
        MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeIdentifier = RuntimeInformation.RuntimeIdentifier,
        Gpus = NvidiaSmi.Inventory(),
        Libraries = LibraryVersions(),
        CommandLine = SecretRedactor.RedactArguments(Environment.GetCommandLineArgs()),
        WorkingDirectory = Environment.CurrentDirectory,
        Variables = RecordedVariables(Environment.GetEnvironmentVariables()),
    };

    /// <summary>Whether a run records environment variable <paramref name="name"/> (the allowlist of prefixes).</summary>
    public static bool IsRecorded(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RecordedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The allowlisted variables of <paramref name="variables"/>, values redacted.</summary>
    public static IReadOnlyDictionary<string, string> RecordedVariables(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var recorded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is string name && RecordedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                recorded[name] = SecretRedactor.RedactVariable(name, entry.Value as string);
            }
        }

        return recorded;
    }

    private static string? CpuModelName()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // TorchSharp's managed version, if the program ships it; loading it runs no native code.
    private static SortedDictionary<string, string> LibraryVersions()
    {
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "TorchSharp", "TorchVision" })
        {
            try
            {
                var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name) ?? Assembly.Load(name);
                versions[name] = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    ?? assembly.GetName().Version?.ToString() ?? "unknown";
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // Not part of this program.
            }
        }

        return versions;
    }
}

/// <summary>One GPU as nvidia-smi describes it.</summary>
/// <param name="Index">nvidia-smi's index.</param>
/// <param name="Name">Model name.</param>
/// <param name="Driver">Driver version.</param>
/// <param name="CudaVersion">The highest CUDA version the driver supports.</param>
/// <param name="MemoryMiB">Total memory in MiB.</param>
public sealed record GpuInfo(int Index, string Name, string Driver, string? CudaVersion, long MemoryMiB);
