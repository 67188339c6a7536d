using BenchmarkDotNet.Attributes;
using Repro;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// Durable throughput and WAL size of packed scalar batches against the column form of earlier versions (the
/// baseline, same run), on two streams: the realistic one (a decaying noisy float loss, a stepped learning rate and
/// an accuracy in plateaus, one of each per step) and the synthetic one of <see cref="ThroughputBenchmarks"/> (1/(step+1)
/// in full double precision, and a constant). One training thread logs two million scalars and waits for fsync;
/// time per operation is one durable scalar. The WAL bytes per scalar are printed after each case.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(8)]
public class CompactLogBenchmarks
{
    private const int Scalars = 3_000_000;
    private static readonly MetricDeclaration s_loss = new("train/loss");
    private static readonly MetricDeclaration s_lr = new("train/lr");
    private static readonly MetricDeclaration s_accuracy = new("val/accuracy");
    private BenchmarkRun? _run;
    private double[] _losses = [];
    private double[] _accuracies = [];
    private long _step;
    private long _logged;

    [Params(true, false)]
    public bool Packed { get; set; }

    [Params("realistic", "synthetic")]
    public string Stream { get; set; } = "realistic";

    [GlobalSetup]
    public void Setup()
    {
        _run = new BenchmarkRun(BufferFullPolicy.Block, Packed);
        var random = new Random(20261206);
        _losses = new double[1 << 16];
        _accuracies = new double[1 << 16];
        var correct = 500;
        for (var i = 0; i < _losses.Length; i++)
        {
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            _losses[i] = (float)((2.5 * Math.Exp(-i / 20_000.0)) + 0.1 + (0.05 * noise));
            if (i % 50 == 0 && random.Next(4) == 0)
            {
                correct = Math.Min(1000, correct + random.Next(0, 3));
            }

            _accuracies[i] = correct / 1000.0;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _run!.Run.FlushDurable();
        Console.WriteLine($"// {(Packed ? "packed" : "columns")}, {Stream}: WAL bytes per scalar {(double)_run.WalBytes / _logged:F3} ({_run.WalBytes:N0} bytes for {_logged:N0} scalars)");
        _run.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Scalars)]
    public void LogAndFlushDurable()
    {
        var run = _run!.Run;
        if (Stream == "realistic")
        {
            for (var i = 0; i < Scalars; i += 3)
            {
                var at = (int)(_step & 0xFFFF);
                run.LogScalar(s_loss, _step, _losses[at]);
                run.LogScalar(s_lr, _step, 0.1 * (1 << (int)((_step / 10_000) & 3)) / 8);
                run.LogScalar(s_accuracy, _step, _accuracies[at]);
                _step++;
            }
        }
        else
        {
            for (var i = 0; i < Scalars; i += 3)
            {
                run.LogScalar(s_loss, _step, 1.0 / (_step + 1));
                run.LogScalar(s_lr, _step, 0.001);
                run.LogScalar(s_accuracy, _step, 0.5);
                _step++;
            }
        }

        run.FlushDurable();
        _logged += Scalars;
    }
}
