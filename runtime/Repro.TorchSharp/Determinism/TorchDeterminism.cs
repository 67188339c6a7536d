using System.Globalization;
using System.Reflection;
using Repro.Runs;
using TorchSharp;

namespace Repro.TorchSharp.Determinism;

/// <summary>
/// TorchSharp has no deterministic mode (<c>use_deterministic_algorithms</c> is not implemented), so Repro records
/// what decides determinism instead: the CPU generator's seed, thread counts, the TF32 and fused-attention switches
/// TorchSharp exposes, <c>CUBLAS_WORKSPACE_CONFIG</c> as native code sees it, and CUDA availability. Two runs that
/// diverged can then be compared setting by setting.
/// </summary>
public static class TorchDeterminism
{
    /// <summary>The values of <c>CUBLAS_WORKSPACE_CONFIG</c> that make cuBLAS deterministic.</summary>
    public static IReadOnlyList<string> DeterministicCublasConfigurations { get; } = [":4096:8", ":16:8"];

    /// <summary>Observes the current process. Each setting that cannot be read is recorded as <c>unavailable: …</c>, never thrown.</summary>
    public static DeterminismReport Capture()
    {
        var cudaAvailable = Read(torch.cuda.is_available);
        var startupCublas = StartupEnvironment.Get(CublasVariable);
        var processCublas = Environment.GetEnvironmentVariable(CublasVariable);
        var facts = new Dictionary<string, string>
        {
            ["dotnet.processor_count"] = Invariant(Environment.ProcessorCount),
            ["env.CUBLAS_WORKSPACE_CONFIG"] = startupCublas ?? Unset,
            ["env.MKL_NUM_THREADS"] = StartupEnvironment.Get("MKL_NUM_THREADS") ?? Unset,
            ["env.OMP_NUM_THREADS"] = StartupEnvironment.Get("OMP_NUM_THREADS") ?? Unset,
            ["torch.backends.cuda.flash_sdp_enabled"] = Show(Read(torch.backends.cuda.flash_sdp_enabled)),
            ["torch.backends.cuda.math_sdp_enabled"] = Show(Read(torch.backends.cuda.math_sdp_enabled)),
            ["torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction"] = Show(Read(() => torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction)),
            ["torch.backends.cuda.matmul.allow_tf32"] = Show(Read(() => torch.backends.cuda.matmul.allow_tf32)),
            ["torch.backends.cudnn.allow_tf32"] = Show(Read(() => torch.backends.cudnn.allow_tf32)),
            ["torch.cpu.initial_seed"] = Show(Read(torch.initial_seed)),
            ["torch.cuda.available"] = Show(cudaAvailable),
            ["torch.cuda.device_count"] = Show(cudaAvailable.Value is true ? Read(torch.cuda.device_count) : new Observed<int>(0, null)),
            ["torch.deterministic_algorithms"] = "unavailable in TorchSharp (use_deterministic_algorithms is not implemented)",
            ["torch.num_interop_threads"] = Show(Read(torch.get_num_interop_threads)),
            ["torch.num_threads"] = Show(Read(torch.get_num_threads)),
            ["libtorch.version"] = Show(Read(() => torch.__version__)),
            ["torchsharp.version"] = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        };
        return DeterminismReport.Create(facts, Warnings(cudaAvailable.Value is true, startupCublas, processCublas));
    }

    /// <summary>Captures the report and records it in <paramref name="run"/>'s manifest; its warnings go to the run's logger.</summary>
    public static DeterminismReport Record(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var report = Capture();
        run.RecordDeterminism(report);
        return report;
    }

    /// <summary>What makes a run on this machine unrepeatable, from the observed CUDA availability and cuBLAS setting.</summary>
    internal static IReadOnlyList<string> Warnings(bool cudaAvailable, string? startupCublas, string? processCublas)
    {
        var warnings = new List<string>();
        if (cudaAvailable && (startupCublas is null || !DeterministicCublasConfigurations.Contains(startupCublas)))
        {
            warnings.Add($"CUDA is available but {CublasVariable} was {Quote(startupCublas)} when the process started: cuBLAS matrix products "
                + $"are nondeterministic. Set {CublasVariable}=:4096:8 (or :16:8) before starting the process.");
        }

        if (!string.Equals(startupCublas, processCublas, StringComparison.Ordinal))
        {
            warnings.Add($"{CublasVariable} was changed inside the process (from {Quote(startupCublas)} to {Quote(processCublas)}); "
                + "cuBLAS reads the environment the process started with, so the change has no effect on Linux or macOS.");
        }

        return warnings;
    }

    private const string CublasVariable = "CUBLAS_WORKSPACE_CONFIG";
    private const string Unset = "unset";

    private static string Quote(string? value) => value is null ? "unset" : $"'{value}'";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Observed<T> Read<T>(Func<T> read)
    {
        try
        {
            return new Observed<T>(read(), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A CPU-only libtorch may not answer a CUDA question; the report says so rather than failing the run.
            return new Observed<T>(default, e.GetType().Name + ": " + e.Message);
        }
    }

    private static string Show<T>(Observed<T> observed) => observed.Error is { } error
        ? "unavailable: " + error
        : observed.Value switch
        {
            bool flag => flag ? "true" : "false",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            var other => other?.ToString() ?? "null",
        };

    private readonly record struct Observed<T>(T? Value, string? Error);
}
