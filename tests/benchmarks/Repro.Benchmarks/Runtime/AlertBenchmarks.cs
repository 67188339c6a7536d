using BenchmarkDotNet.Attributes;
using Repro.Alerts;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// What alert rules cost: <c>LogScalar</c> alone, and 10,000 values logged then flushed (so the writer's evaluation
/// is paid for: the buffer blocks when the writer falls behind), with no rules and with ten rules watching the logged
/// metric (not finite, above, below, three spikes, two stalls, failure, and one on another metric), in the same run of
/// the benchmark, with the buffer blocking the caller when full (the writer's evaluation then shows in the call) and
/// dropping instead (the call's own cost). The values vary a little and never fire a rule.
/// </summary>
[MemoryDiagnoser]
public class AlertBenchmarks
{
    private const int Batch = 10_000;
    private static readonly MetricDeclaration s_loss = new("loss");
    private string _home = null!;
    private Run _run = null!;
    private long _step;

    [Params(0, 10)]
    public int Rules { get; set; }

    /// <summary>Block: the call waits when the writer falls behind, so a saturated writer's evaluation shows in the call; DropNewest: the call's own cost.</summary>
    [Params(BufferFullPolicy.Block, BufferFullPolicy.DropNewest)]
    public BufferFullPolicy Policy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-alerts-").FullName;
        AlertRule[] rules =
        [
            AlertRule.NotFinite("loss"), AlertRule.Above("loss", 1e9), AlertRule.Below("loss", -1e9),
            AlertRule.Spike("loss", 6, 100), AlertRule.Spike("loss", 4, 50), AlertRule.Spike("loss", 8, 1_000),
            AlertRule.Stall(TimeSpan.FromHours(1)), AlertRule.Stall(TimeSpan.FromHours(1), "loss"), AlertRule.RunFailed(), AlertRule.Above("accuracy", 2),
        ];
        _run = Run.Start(new RunOptions
        {
            Home = _home,
            Name = "alerts",
            HookProcessEvents = false,
            TelemetryInterval = TimeSpan.Zero,
            Alerts = rules.Take(Rules).ToList(),
            Pipeline = new EventPipelineOptions { FullPolicy = Policy },
        });
    }

    [GlobalCleanup]
    public void TearDown()
    {
        _run.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Benchmark]
    public void LogScalar() => _run.LogScalar(s_loss, _step, Value(_step++));

    [Benchmark(OperationsPerInvoke = Batch)]
    public void LogThenFlush()
    {
        for (var i = 0; i < Batch; i++)
        {
            _run.LogScalar(s_loss, _step, Value(_step++));
        }

        _run.Flush();
    }

    private static double Value(long step) => 0.25 + (step % 7 * 0.01);
}
