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

    /// <summary>The arguments that make nvidia-smi print one "index, name, driver, total MiB" line per GPU.</summary>
    public const string InventoryArguments = "--query-gpu=index,name,driver_version,memory.total --format=csv,noheader,nounits";

    /// <summary>Every GPU's model, driver and memory, with the driver's CUDA version; empty without nvidia-smi.</summary>
    public static IReadOnlyList<Runs.GpuInfo> Inventory()
    {
        if (Run(InventoryArguments) is not { } inventory)
        {
            return [];
        }

        return ParseInventory(inventory, Run(string.Empty) ?? string.Empty);
    }

    /// <summary>Parses the inventory query and takes the CUDA version from nvidia-smi's banner ("CUDA Version: 12.4").</summary>
    public static IReadOnlyList<Runs.GpuInfo> ParseInventory(string inventory, string banner)
    {
        var cuda = System.Text.RegularExpressions.Regex.Match(banner, @"CUDA Version:\s*([0-9.]+)") is { Success: true } match ? match.Groups[1].Value : null;
        var gpus = new List<Runs.GpuInfo>();
        foreach (var line in inventory.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length == 4
                && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var memory))
            {
                gpus.Add(new Runs.GpuInfo(index, fields[1], fields[2], cuda, memory));
            }
        }

        return gpus;
    }

    /// <summary>Queries every GPU; empty when the tool is missing, fails or does not answer within 5 s.</summary>
    public static IReadOnlyList<GpuTelemetry> Query() => Run(QueryArguments) is { } output ? Parse(output) : [];

    // nvidia-smi's standard output, or null when it is missing, fails or takes more than 5 s.
    private static string? Run(string arguments)
    {
        if (s_path.Value is not { } path)
        {
            return null;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
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
