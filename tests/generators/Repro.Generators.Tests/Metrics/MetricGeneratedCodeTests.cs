using Repro.Events;
using Repro.Generators.Metrics;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Generators.Tests.Metrics;

[Collection(SequentialRuns.Name)]
public class MetricGeneratedCodeTests
{
    [Fact]
    public void Generated_methods_compile_run_and_land_in_the_WAL_with_their_values()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new MetricGenerator(), """
            namespace Scratch;

            public sealed partial class Metrics
            {
                [Repro.Metric] public partial void LogLoss(long step, double value);
                [Repro.Metric("throughput")] public partial void LogSamples(long step, int value);
                [Repro.Metric] public partial void LogLearningRate(long step, float value);
                [Repro.Metric] public partial void LogTokens(long step, long value);
                [Repro.Metric] public partial void LogHugeCount(long step, long value);
            }
            """);
        Assert.Empty(diagnostics);
        var type = GeneratorHarness.Load(output).GetType("Scratch.Metrics")!;
        var metrics = Activator.CreateInstance(type)!;
        using var home = new TemporaryDirectory();

        // Without an active run the generated methods do nothing (and do not throw).
        type.GetMethod("LogLoss")!.Invoke(metrics, [0L, 9.0]);

        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            type.GetMethod("LogLoss")!.Invoke(metrics, [3L, 0.125]);
            type.GetMethod("LogSamples")!.Invoke(metrics, [4L, 512]);
            type.GetMethod("LogLearningRate")!.Invoke(metrics, [5L, 0.001f]);
            type.GetMethod("LogTokens")!.Invoke(metrics, [6L, 1L << 40]);
            type.GetMethod("LogHugeCount")!.Invoke(metrics, [7L, (1L << 60) + 1]); // not representable as a double
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        var scalars = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        Assert.Equal(
            [("loss", 3L, 0.125), ("throughput", 4L, 512.0), ("learning_rate", 5L, (double)0.001f), ("tokens", 6L, (double)(1L << 40))],
            scalars.Take(4).Select(e => (e.Name, e.Step, e.Scalar.Value)));

        // Declared types are in the log; integers are exact at any magnitude.
        Assert.Equal(
            [("loss", 0), ("throughput", 2), ("learning_rate", 1), ("tokens", 3), ("huge_count", 3)],
            events.Where(e => e.ValueCase == Event.ValueOneofCase.MetricDeclared).Select(e => (e.Name, e.MetricDeclared.ValueType)));
        Assert.False(scalars[0].Scalar.HasIntValue);
        Assert.Equal(512L, scalars[1].Scalar.IntValue);
        Assert.Equal((1L << 60) + 1, scalars[4].Scalar.IntValue);
    }
}
