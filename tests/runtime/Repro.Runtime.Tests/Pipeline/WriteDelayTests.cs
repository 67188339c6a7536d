using Repro.Events;
using Repro.Pipeline;
using Repro.Tests.Shared;
using Repro.Wal;
using Record = Repro.Events.Record;

namespace Repro.Runtime.Tests.Pipeline;

/// <summary>
/// <see cref="EventPipelineOptions.MaxWriteDelay"/>: scalars wait for company, never longer than the delay, and never
/// when a batch's worth waits, another event is logged or a flush asks. Each test sets the delay far above the time it
/// waits, so passing cannot depend on scheduling luck.
/// </summary>
[Collection(SequentialRuns.Name)]
public class WriteDelayTests
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);

    [Fact]
    public void Scalars_wait_for_company_and_go_as_one_record_when_a_flush_asks()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, Pipeline = new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromSeconds(10) } });
        Assert.True(run.Flush()); // the start's own events are written: from here on only scalars come
        for (var step = 0; step < 300; step++)
        {
            run.LogScalar(s_loss, step, step);
            Thread.Sleep(step % 50 == 0 ? 1 : 0);
        }

        Thread.Sleep(300);
        var beforeFlush = ScalarsInLog(run);
        Assert.True(run.Flush());
        var batches = ScalarBatches(run);

        Assert.Equal(0, beforeFlush);
        Assert.Single(batches);
        Assert.Equal(300, batches[0]);
    }

    [Fact]
    public void Scalars_go_within_the_delay_without_a_flush()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromMilliseconds(50) } });
        run.LogScalar(s_loss, 1, 0.5);

        Assert.True(WaitUntil(() => ScalarsInLog(run) == 1), "the scalar never reached the log");
    }

    [Fact]
    public void Another_event_takes_the_waiting_scalars_with_it()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromSeconds(10) } });
        run.LogScalar(s_loss, 1, 0.5);
        run.LogScalar(s_loss, 2, 0.25);
        run.LogText("epoch done");

        Assert.True(WaitUntil(() => ScalarsInLog(run) == 2), "the scalars waited for the delay although an event followed them");
    }

    [Fact]
    public void A_batch_worth_goes_without_waiting_for_the_delay()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromSeconds(10), MaxBatchSize = 1000 } });
        for (var step = 0; step < 1000; step++)
        {
            run.LogScalar(s_loss, step, step);
        }

        Assert.True(WaitUntil(() => ScalarsInLog(run) == 1000), "a full batch waited for the delay");
    }

    [Fact]
    public void The_delay_is_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventPipelineOptions { MaxWriteDelay = TimeSpan.FromMinutes(1) }.Validate());
        new EventPipelineOptions { MaxWriteDelay = TimeSpan.Zero }.Validate();
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    private static int ScalarsInLog(Run run) => ScalarBatches(run).Sum();

    private static List<int> ScalarBatches(Run run) =>
        WalReader.ListSegments(Path.Combine(run.Directory, "wal"))
            .SelectMany(s => WalReader.ReadSegment(s))
            .Select(r => Record.Parser.ParseFrom(r.Payload.Span))
            .Where(r => r.BodyCase == Record.BodyOneofCase.Scalars)
            .Select(r => (int)r.Scalars.Count + r.Scalars.Values.Count)
            .ToList();
}
