using Repro.Pipeline;

namespace Repro.Runtime.Tests.Pipeline;

public class ScalarRingTests
{

    [Fact]
    public void Concurrent_producers_lose_nothing_and_keep_their_own_order()
    {
        const int Producers = 4;
        const int PerProducer = 100_000;
        var ring = new ScalarRing(1024);
        var received = new List<ScalarEntry>(Producers * PerProducer);
        var consumer = new Thread(() =>
        {
            while (received.Count < Producers * PerProducer)
            {
                if (ring.TryDequeue(out var entry))
                {
                    received.Add(entry);
                }
            }
        });
        consumer.Start();
        var producers = Enumerable.Range(0, Producers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                ring.Enqueue(new ScalarEntry { MetricId = p, Step = i }, BufferFullPolicy.Block, giveUp: false);
            }
        })).ToList();
        producers.ForEach(t => t.Start());
        producers.ForEach(t => t.Join());
        consumer.Join();

        Assert.Equal(0, ring.Dropped);
        for (var p = 0; p < Producers; p++)
        {
            Assert.Equal(Enumerable.Range(0, PerProducer).Select(i => (long)i), received.Where(e => e.MetricId == p).Select(e => e.Step));
        }
    }

    [Fact]
    public void A_full_ring_refuses_and_drop_newest_counts_the_loss()
    {
        var ring = new ScalarRing(4);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(ring.TryEnqueue(new ScalarEntry { Step = i }));
        }

        Assert.False(ring.TryEnqueue(new ScalarEntry { Step = 4 }));
        Assert.False(ring.Enqueue(new ScalarEntry { Step = 5 }, BufferFullPolicy.DropNewest, giveUp: false));

        Assert.Equal(1, ring.Dropped);
        Assert.Equal([0L, 1, 2, 3], Drain(ring));
    }

    [Fact]
    public void Drop_oldest_keeps_the_newest_entries_and_counts_the_loss()
    {
        var ring = new ScalarRing(4);
        for (var i = 0; i < 10; i++)
        {
            ring.Enqueue(new ScalarEntry { Step = i }, BufferFullPolicy.DropOldest, giveUp: false);
        }

        Assert.Equal(6, ring.Dropped);
        Assert.Equal([6L, 7, 8, 9], Drain(ring));
        Assert.Equal(10, ring.DequeuePosition);
    }

    [Fact]
    public void Block_gives_up_and_counts_when_told_the_consumer_is_gone()
    {
        var ring = new ScalarRing(2);
        var gone = true;
        ring.TryEnqueue(default);
        ring.TryEnqueue(default);

        Assert.False(ring.Enqueue(default, BufferFullPolicy.Block, in gone));
        Assert.Equal(1, ring.Dropped);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Capacity_must_be_a_power_of_two(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarRing(capacity));

    private static List<long> Drain(ScalarRing ring)
    {
        var steps = new List<long>();
        while (ring.TryDequeue(out var entry))
        {
            steps.Add(entry.Step);
        }

        return steps;
    }
}
