using System.Diagnostics;
using System.Globalization;
using Repro.Events;

namespace Repro.Telemetry;

/// <summary>GPU utilisation and memory from <c>nvidia-smi</c>'s CSV query output, when the tool exists.</summary>
internal static class NvidiaSmi
{
    /// <summary>The arguments that make nvidia-smi print one "index, util %, used MiB, total MiB" line per GPU.</summary>
    public const string QueryArguments = "--query-gpu=index,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits";

    private static readonly Lazy<string?> s_path = new(Locate);

    /// <summary>Whether nvidia-smi is on the PATH.</summary>
    public static bool IsAvailable => s_path.Value is not null;

    /// <summary>Queries every GPU; empty when the tool is missing, fails or does not answer within 5 s.</summary>
    public static IReadOnlyList<GpuTelemetry> Query()
    {
        if (s_path.Value is not { } path)
        {
            return [];
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, QueryArguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return [];
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill();
                return [];
            }

            return process.ExitCode == 0 ? Parse(output.Result) : [];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }

    /// <summary>Parses the query output; lines it cannot read (e.g. "[N/A]" values) are skipped.</summary>
    public static IReadOnlyList<GpuTelemetry> Parse(string output)
    {
        var gpus = new List<GpuTelemetry>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length == 4
                && uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var utilization)
                && ulong.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var usedMiB)
                && ulong.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var totalMiB))
            {
                gpus.Add(new GpuTelemetry
                {
                    Index = index,
                    UtilizationPercent = utilization,
                    MemoryUsedBytes = usedMiB * 1024 * 1024,
                    MemoryTotalBytes = totalMiB * 1024 * 1024,
                });
            }
        }

        return gpus;
    }

    private static string? Locate()
    {
        var name = OperatingSystem.IsWindows() ? "nvidia-smi.exe" : "nvidia-smi";
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
