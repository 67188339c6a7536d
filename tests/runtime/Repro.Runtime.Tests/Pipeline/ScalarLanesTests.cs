using Repro.Pipeline;

namespace Repro.Runtime.Tests.Pipeline;

/// <summary>
/// The per-thread lanes behind LogScalar: nothing lost or reordered within a thread, the buffer policies per lane
/// (drop-oldest racing the consumer included), barriers by lane position, and the merge by timestamp across lanes.
/// </summary>
public class ScalarLanesTests
{
    [Theory]
    [InlineData(BufferFullPolicy.Block)]
    [InlineData(BufferFullPolicy.DropOldest)]
    [InlineData(BufferFullPolicy.DropNewest)]
    public void Concurrent_producers_keep_their_own_order_and_every_entry_is_taken_or_counted_once(BufferFullPolicy policy)
    {
        const int Producers = 4;
        const int PerProducer = 200_000;
        var lanes = new ScalarLanes(256);
        var received = new List<ScalarEntry>(Producers * PerProducer);
        var producing = Producers;
        var consumer = new Thread(() =>
        {
            var batch = new ScalarEntry[97];
            while (true)
            {
                var done = Volatile.Read(ref producing) == 0;
                var count = lanes.DequeueMany(batch, barrier: null);
                received.AddRange(batch.AsSpan(0, count));
                if (count == 0 && done)
                {
                    return;
                }
            }
        });
        consumer.Start();
        var producers = Enumerable.Range(0, Producers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                lanes.Enqueue(new ScalarEntry { MetricId = p, Step = i, Timestamp = i }, policy, giveUp: false);
            }

            Interlocked.Decrement(ref producing);
        })).ToList();
        producers.ForEach(t => t.Start());
        producers.ForEach(t => t.Join());
        consumer.Join();

        if (policy == BufferFullPolicy.Block)
        {
            Assert.Equal(0, lanes.Dropped);
        }

        Assert.Equal(Producers * PerProducer, received.Count + lanes.Dropped);
        for (var p = 0; p < Producers; p++)
        {
            var steps = received.Where(e => e.MetricId == p).Select(e => e.Step).ToList();
            Assert.True(steps.Zip(steps.Skip(1)).All(pair => pair.First < pair.Second), $"producer {p}'s entries are out of order or repeated ({policy})");
        }

        Assert.Equal(Producers, lanes.Lanes.Length);
    }

    [Fact]
    public void A_full_lane_refuses_and_drop_newest_counts_the_loss()
    {
        var lanes = new ScalarLanes(4);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(lanes.Enqueue(new ScalarEntry { Step = i }, BufferFullPolicy.DropNewest, giveUp: false));
        }

        Assert.False(lanes.Enqueue(new ScalarEntry { Step = 4 }, BufferFullPolicy.DropNewest, giveUp: false));
        Assert.False(lanes.Enqueue(new ScalarEntry { Step = 5 }, BufferFullPolicy.DropNewest, giveUp: false));

        Assert.Equal(2, lanes.Dropped);
        Assert.Equal([0L, 1, 2, 3], Drain(lanes));
    }

    [Theory]
    [InlineData(BufferFullPolicy.DropNewest)]
    [InlineData(BufferFullPolicy.DropOldest)]
    public void A_producer_wakes_the_consumer_when_its_lane_is_full_and_only_then(BufferFullPolicy policy)
    {
        // The writer sleeps up to its idle wait between passes; a producer that fills its lane meanwhile must not wait
        // (or drop) for the rest of that sleep. Waking on every entry would cost the logging call; it is never done.
        var wakes = 0;
        var lanes = new ScalarLanes(4, () => wakes++);
        for (var i = 0; i < 4; i++)
        {
            lanes.Enqueue(new ScalarEntry { Step = i }, policy, giveUp: false);
        }

        Assert.Equal(0, wakes);
        lanes.Enqueue(new ScalarEntry { Step = 4 }, policy, giveUp: false);
        Assert.Equal(1, wakes);
        Drain(lanes);
        lanes.Enqueue(new ScalarEntry { Step = 5 }, policy, giveUp: false);
        Assert.Equal(1, wakes);
    }

    [Fact]
    public void A_blocked_producer_wakes_the_consumer_before_it_waits()
    {
        var gone = false;
        var lanes = new ScalarLanes(2, () => Volatile.Write(ref gone, true)); // the "consumer" here only lets go
        lanes.Enqueue(default, BufferFullPolicy.Block, giveUp: false);
        lanes.Enqueue(default, BufferFullPolicy.Block, giveUp: false);

        Assert.False(lanes.Enqueue(default, BufferFullPolicy.Block, in gone)); // returns only because the wake ran
        Assert.True(gone);
    }

    [Fact]
    public void Drop_oldest_keeps_the_newest_entries_and_counts_the_loss()
    {
        var lanes = new ScalarLanes(4);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(lanes.Enqueue(new ScalarEntry { Step = i }, BufferFullPolicy.DropOldest, giveUp: false));
        }

        Assert.Equal(6, lanes.Dropped);
        Assert.Equal([6L, 7, 8, 9], Drain(lanes));
        Assert.Equal(10, lanes.Lanes[0].Head);
    }

    [Fact]
    public void Block_gives_up_and_counts_when_told_the_consumer_is_gone()
    {
        var lanes = new ScalarLanes(2);
        var gone = true;
        lanes.Enqueue(default, BufferFullPolicy.Block, giveUp: false);
        lanes.Enqueue(default, BufferFullPolicy.Block, giveUp: false);

        Assert.False(lanes.Enqueue(default, BufferFullPolicy.Block, in gone));
        Assert.Equal(1, lanes.Dropped);
    }

    [Fact]
    public void A_barrier_holds_back_each_lane_at_its_own_position_and_lanes_made_after_it_entirely()
    {
        var lanes = new ScalarLanes(64);
        Log(lanes, metric: 0, steps: 3);
        RunOnOtherThread(() => Log(lanes, metric: 1, steps: 5));
        var barrier = lanes.Tails();
        Log(lanes, metric: 0, steps: 2);
        RunOnOtherThread(() => Log(lanes, metric: 2, steps: 4)); // a third lane, made after the barrier: all of it is after

        var batch = new ScalarEntry[64];
        var count = lanes.DequeueMany(batch, barrier);

        Assert.Equal([3L, 5], barrier);
        Assert.Equal(3 + 5, count);
        Assert.True(lanes.HeadsReached(barrier));
        Assert.Equal(2 + 4, lanes.DequeueMany(batch, barrier: null));
    }

    [Fact]
    public void Entries_of_several_lanes_come_out_ordered_by_timestamp_and_each_lane_in_its_order()
    {
        var lanes = new ScalarLanes(64);
        var random = new Random(20261206);
        var threads = Enumerable.Range(0, 3).Select(metric => new Thread(() =>
        {
            long time = 0;
            for (var i = 0; i < 20; i++)
            {
                time += random.Next(0, 3); // ties across lanes, as a coarse clock gives
                lanes.Enqueue(new ScalarEntry { MetricId = metric, Step = i, Timestamp = time }, BufferFullPolicy.Block, giveUp: false);
            }
        })).ToList();
        foreach (var thread in threads)
        {
            thread.Start();
            thread.Join(); // one at a time: Random is not thread-safe
        }

        var batch = new ScalarEntry[64];
        var count = lanes.DequeueMany(batch, barrier: null);

        Assert.Equal(60, count);
        var taken = batch.Take(count).ToList();
        Assert.True(taken.Zip(taken.Skip(1)).All(pair => pair.First.Timestamp <= pair.Second.Timestamp));
        for (var metric = 0; metric < 3; metric++)
        {
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), taken.Where(e => e.MetricId == metric).Select(e => e.Step));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Capacity_must_be_a_power_of_two(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarLanes(capacity));

    private static void Log(ScalarLanes lanes, int metric, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            lanes.Enqueue(new ScalarEntry { MetricId = metric, Step = i }, BufferFullPolicy.Block, giveUp: false);
        }
    }

    private static void RunOnOtherThread(Action action)
    {
        var thread = new Thread(() => action());
        thread.Start();
        thread.Join();
    }

    private static List<long> Drain(ScalarLanes lanes)
    {
        var batch = new ScalarEntry[16];
        var count = lanes.DequeueMany(batch, barrier: null);
        return batch.Take(count).Select(e => e.Step).ToList();
    }
}
