using System.Diagnostics;
using Repro.Events;
using Repro.Pipeline;

namespace Repro.Runtime.Tests.Pipeline;

public class RecordBufferTests
{
    [Fact]
    public void Times_never_decrease_in_sequence_order_even_when_a_later_event_carries_an_earlier_clock_reading()
    {
        var buffer = new RecordBuffer(Ulid.NewUlid(), new RunClock());
        var now = Stopwatch.GetTimestamp();
        // A precise control event, then a coarse scalar reading taken before it, then an older reading still.
        long[] readings = [now, now - Stopwatch.Frequency / 100, now - Stopwatch.Frequency, now + 5];
        var events = readings.Select(_ => new Event { Name = "text", Text = new Text { Message = "x" } }).ToList();
        for (var i = 0; i < readings.Length; i++)
        {
            buffer.AppendEvent(events[i], readings[i]);
        }

        var times = events.Select(e => e.TimestampUnixNanos).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(times[0], times[1]); // clamped to the previous time, not moved into the future
        Assert.True(times[3] > times[2]);
        Assert.Equal([1ul, 2ul, 3ul, 4ul], events.Select(e => e.Sequence));
    }

    [Fact]
    public void An_event_over_the_record_limit_becomes_a_marker_with_the_same_sequence()
    {
        var buffer = new RecordBuffer(Ulid.NewUlid(), new RunClock());
        var huge = new Event { Name = "notes", Text = new Text { Message = new string('x', 17 << 20) } };

        buffer.AppendEvent(huge, Stopwatch.GetTimestamp());

        Assert.Equal("event_too_large", huge.Name);
        Assert.Contains("'notes'", huge.Text.Message, StringComparison.Ordinal);
        Assert.Equal((1ul, 1), (huge.Sequence, buffer.Oversized));
        Assert.True(buffer.Length < 4096);
    }
}
