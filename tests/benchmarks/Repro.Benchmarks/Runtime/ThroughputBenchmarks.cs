using BenchmarkDotNet.Attributes;
using Repro;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// Sustained durable logging: one training thread logs ten million scalars (two metrics, as a loop
/// logging loss and learning rate would), then waits until they are fsynced: about one fsync a
/// second, as the default group commit does. Time per operation is the cost of one durable scalar;
/// events/s = 1e9 / (ns per op). The WAL bytes per scalar are printed after the run.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(8)]
public class ThroughputBenchmarks
{
    private const int Scalars = 10_000_000;
    private static readonly MetricDeclaration s_loss = new("loss");
    private static readonly MetricDeclaration s_lr = new("lr");
    private BenchmarkRun? _run;
    private long _step;
    private long _logged;

    [GlobalSetup]
    public void Setup() => _run = new BenchmarkRun(BufferFullPolicy.Block);

    [GlobalCleanup]
    public void Cleanup()
    {
        _run!.Run.FlushDurable();
        Console.WriteLine($"// WAL bytes per scalar: {(double)_run.WalBytes / _logged:F2} ({_run.WalBytes:N0} bytes for {_logged:N0} scalars)");
        _run.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Scalars)]
    public void LogAndFlushDurable()
    {
        var run = _run!.Run;
        for (var i = 0; i < Scalars; i += 2)
        {
            run.LogScalar(s_loss, _step, 1.0 / (_step + 1));
            run.LogScalar(s_lr, _step, 0.001);
            _step++;
        }

        run.FlushDurable();
        _logged += Scalars;
    }
}
