using Repro.Events;
using Repro.Pipeline;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Pipeline;

/// <summary>
/// Ordering properties with the writer running: every thread's events, scalars and control events
/// mixed, keep the order that thread logged them in, under every buffer policy; and times never
/// decrease in sequence order, whatever the clock precision.
/// </summary>
[Collection(SequentialRuns.Name)]
public class OrderingTests
{
    private const int Threads = 4;
    private const int StepsPerThread = 60_000;
    private const int TextEvery = 97;

    [Theory]
    [InlineData(BufferFullPolicy.Block, TimestampPrecision.Coarse)]
    [InlineData(BufferFullPolicy.DropOldest, TimestampPrecision.Coarse)]
    [InlineData(BufferFullPolicy.DropNewest, TimestampPrecision.Precise)]
    [InlineData(BufferFullPolicy.DropOldest, TimestampPrecision.Precise)]
    public void Each_threads_events_keep_their_order_and_times_never_go_back(BufferFullPolicy policy, TimestampPrecision precision)
    {
        using var home = new TemporaryDirectory("repro-order");
        string runId;
        var options = new RunOptions
        {
            Home = home.Path,
            WarningsToStandardError = false,
            // A small buffer, so the drop policies really drop while control events are in flight.
            Pipeline = new EventPipelineOptions { BufferCapacity = 64, FullPolicy = policy, Timestamps = precision, MaxBatchSize = 16 },
        };
        using (var run = Run.Start(options))
        {
            runId = run.Id.ToString();
            var metrics = Enumerable.Range(0, Threads).Select(t => new MetricDeclaration($"t{t}")).ToArray();
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                for (var step = 0; step < StepsPerThread; step++)
                {
                    run.LogScalar(metrics[t], step, step);
                    if (step % TextEvery == 0)
                    {
                        run.LogText($"t{t}:{step}");
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].TimestampUnixNanos >= events[i - 1].TimestampUnixNanos, $"event {events[i].Sequence} is earlier than event {events[i - 1].Sequence}");
        }

        for (var t = 0; t < Threads; t++)
        {
            // (step, 0) for a scalar, (step, 1) for the text logged right after it: strictly increasing.
            var own = events
                .Where(e => (e.ValueCase == Event.ValueOneofCase.Scalar && e.Name == $"t{t}") || (e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message.StartsWith($"t{t}:", StringComparison.Ordinal)))
                .Select(e => e.ValueCase == Event.ValueOneofCase.Scalar ? (e.Step, 0) : (long.Parse(e.Text.Message.AsSpan(e.Text.Message.IndexOf(':', StringComparison.Ordinal) + 1), System.Globalization.CultureInfo.InvariantCulture), 1))
                .ToList();
            for (var i = 1; i < own.Count; i++)
            {
                Assert.True(own[i].CompareTo(own[i - 1]) > 0, $"thread {t} under {policy}: {own[i]} came after {own[i - 1]}");
            }

            // Control events are never dropped; under Block nothing is.
            Assert.Equal((StepsPerThread + TextEvery - 1) / TextEvery, own.Count(o => o.Item2 == 1));
            if (policy == BufferFullPolicy.Block)
            {
                Assert.Equal(StepsPerThread, own.Count(o => o.Item2 == 0));
            }
        }
    }
}
