using Repro.Pipeline;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

/// <summary>The README's promise that logging a scalar never allocates, under each buffer-full policy.</summary>
[Collection(SequentialRuns.Name)]
public class LoggingAllocationTests
{
    [Theory]
    [InlineData(BufferFullPolicy.Block)]
    [InlineData(BufferFullPolicy.DropOldest)]
    [InlineData(BufferFullPolicy.DropNewest)]
    public void Logging_scalars_and_integers_allocates_nothing_once_the_metric_and_the_thread_are_known(BufferFullPolicy policy)
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss");
        var tokens = new MetricDeclaration("tokens", valueType: MetricValueType.Int64);
        var sampled = new MetricDeclaration("sampled", options: new MetricOptions { EveryNSteps = 10 });
        using var run = Run.Start(new RunOptions
        {
            Home = home.Path,
            TelemetryInterval = TimeSpan.Zero,
            Pipeline = new EventPipelineOptions { FullPolicy = policy, BufferCapacity = 64 },
        });

        // First use binds each metric to the run and gives this thread its buffer: both allocate, once.
        run.LogScalar(loss, 0, 1);
        run.LogInteger(tokens, 0, 1);
        run.LogScalar(sampled, 0, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var step = 1; step <= 20_000; step++) // far more than the 64-entry buffer holds: the full path runs too
        {
            run.LogScalar(loss, step, 1.0 / step);
            run.LogInteger(tokens, step, step * 512L);
            run.LogScalar(sampled, step, step);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(run.Flush());
    }
}
