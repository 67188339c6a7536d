using Repro;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>A real run in a temporary Repro home, for benchmarks to log into.</summary>
public sealed class BenchmarkRun : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("repro-bench-").FullName;

    public BenchmarkRun(BufferFullPolicy policy, bool packScalars = true)
    {
        Run = Run.Start(new RunOptions
        {
            Home = _home,
            Name = "benchmark",
            HookProcessEvents = false,
            Pipeline = new EventPipelineOptions { FullPolicy = policy, PackScalars = packScalars },
        });
    }

    public Run Run { get; }

    /// <summary>Bytes in the run's WAL segments so far.</summary>
    public long WalBytes => Directory.GetFiles(Path.Combine(Run.Directory, "wal")).Sum(f => new FileInfo(f).Length);

    public void Dispose()
    {
        Run.Dispose();
        Directory.Delete(_home, recursive: true);
    }
}
