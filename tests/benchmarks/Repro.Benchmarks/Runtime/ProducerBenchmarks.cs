using BenchmarkDotNet.Attributes;
using Repro;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// What one logged scalar costs the training thread: time and bytes allocated (must be 0), with
/// the real background writer draining to the WAL. Under Block the figure includes waiting for the
/// writer whenever the buffer is full, i.e. it is bounded by sustained throughput.
/// </summary>
[MemoryDiagnoser]
[IterationTime(250)]
[WarmupCount(3)]
[IterationCount(10)]
public class ProducerBenchmarks
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private BenchmarkRun? _run;
    private long _step;

    [Params(BufferFullPolicy.Block, BufferFullPolicy.DropNewest)]
    public BufferFullPolicy Policy { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new BenchmarkRun(Policy);

    [GlobalCleanup]
    public void Cleanup() => _run!.Dispose();

    [Benchmark]
    public void LogScalar() => _run!.Run.LogScalar(s_loss, _step++, 0.25);
}
