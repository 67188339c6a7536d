using System.Globalization;
using System.Text.RegularExpressions;
using Repro.Events;

namespace Repro.Pipeline;

/// <summary>Identifies the process that writes a run: host, pid, container and distributed rank.</summary>
internal static partial class SourceInfo
{
    // torchrun / torch.distributed, Open MPI, MPICH / Intel MPI, Slurm: the first pair that is set wins.
    private static readonly (string Rank, string WorldSize)[] s_rankVariables =
    [
        ("RANK", "WORLD_SIZE"),
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI_RANK", "PMI_SIZE"),
        ("SLURM_PROCID", "SLURM_NTASKS"),
    ];

    public static Source Capture(int? rank, int? worldSize)
    {
        var (detectedRank, detectedSize) = DetectRank();
        var source = new Source
        {
            Host = Environment.MachineName,
            Pid = Environment.ProcessId,
            ContainerId = DetectContainerId() ?? string.Empty,
            Rank = rank ?? detectedRank,
            WorldSize = worldSize ?? detectedSize,
        };
        if (source.WorldSize < 1 || source.Rank < 0 || source.Rank >= source.WorldSize)
        {
            throw new ArgumentException($"Rank {source.Rank} and world size {source.WorldSize} do not fit: 0 <= rank < world size is required.");
        }

        return source;
    }

    private static (int Rank, int WorldSize) DetectRank()
    {
        foreach (var (rankName, sizeName) in s_rankVariables)
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(rankName), NumberStyles.None, CultureInfo.InvariantCulture, out var rank)
                && int.TryParse(Environment.GetEnvironmentVariable(sizeName), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return (rank, size);
            }
        }

        return (0, 1);
    }

    /// <summary>The 64-hex-digit container id from cgroup or mount information, when there is one.</summary>
    private static string? DetectContainerId()
    {
        foreach (var file in new[] { "/proc/self/cgroup", "/proc/self/mountinfo" })
        {
            try
            {
                if (File.Exists(file) && ContainerId().Match(File.ReadAllText(file)) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }
            catch (IOException)
            {
                // Not readable here: no container id, which is what we report.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    [GeneratedRegex(@"(?:docker|containerd|crio|libpod|kubepods)[^\n]*?([0-9a-f]{64})", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerId();
}
