using Google.Protobuf;
using Repro.Events;
using Repro.Wal;

namespace Repro.Storage.Maintenance;

/// <summary>
/// A stretch of a log being downsampled: consecutive raw scalars, and (with a merge factor above 1) closed interval
/// summaries, gathered per metric into buckets. Any other event ends the stretch. A bucket that is full is written
/// as soon as its metric's next value comes; at the end of the stretch every open bucket is written.
/// <para>
/// Numbering keeps the log gapless and each bucket near the place of its values: a bucket written takes the
/// smallest number (and event id) of the inputs consumed that no bucket has taken yet, and stands for every number
/// before the first input of the buckets still open (<c>sequence_span</c>); the stretch's last bucket stands for all
/// that are left. So numbers only grow, and a stretch of one metric is numbered as its raw values were: a bucket of
/// 100 values takes the first of their numbers and spans 100. Every bucket holds at least one input that no bucket
/// has numbered, so the stretch never runs out of numbers.
/// </para>
/// </summary>
internal sealed class DownsampleStretch(int bucketSize, int summaryFactor)
{
    private readonly Queue<(ulong Sequence, ByteString EventId)> _numbers = new();
    private readonly Dictionary<string, object> _open = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private ulong _lastConsumed;

    /// <summary>Raw scalars replaced.</summary>
    public long RawScalars { get; private set; }

    /// <summary>Buckets (aggregate events) written in their place.</summary>
    public long Buckets { get; private set; }

    /// <summary>Interval summaries (histograms, sketches) merged.</summary>
    public long SummariesMerged { get; private set; }

    /// <summary>Merged summaries written in their place.</summary>
    public long MergedSummaries { get; private set; }

    /// <summary>Whether <paramref name="evt"/> is a summary this stretch merges: a closed histogram or sketch, with a factor above 1.</summary>
    public bool Merges(Event evt) =>
        summaryFactor > 1 && !evt.IntervalOpen && evt.ValueCase is Event.ValueOneofCase.Histogram or Event.ValueOneofCase.Sketch;

    public void AddScalar(Event scalar, SegmentedWal output)
    {
        var key = "s\0" + scalar.Name;
        if (_open.TryGetValue(key, out var open) && ((ScalarBucket)open).Values >= bucketSize)
        {
            Write(key, output);
        }

        Consume(scalar);
        RawScalars++;
        if (_open.TryGetValue(key, out open))
        {
            ((ScalarBucket)open).Add(scalar);
        }
        else
        {
            Open(key, new ScalarBucket(scalar));
        }
    }

    public void AddSummary(Event summary, SegmentedWal output)
    {
        var key = (summary.ValueCase == Event.ValueOneofCase.Histogram ? "h\0" : "t\0") + summary.Name;
        if (_open.TryGetValue(key, out var open) && (((SummaryBucket)open).Intervals >= summaryFactor || !((SummaryBucket)open).Accepts(summary)))
        {
            Write(key, output);
        }

        Consume(summary);
        SummariesMerged++;
        if (_open.TryGetValue(key, out open))
        {
            ((SummaryBucket)open).Add(summary);
        }
        else
        {
            Open(key, new SummaryBucket(summary));
        }
    }

    /// <summary>Ends the stretch: every open bucket is written, in the order they opened, the last standing for the numbers left.</summary>
    public void Flush(SegmentedWal output)
    {
        while (_order.Count > 0)
        {
            Write(_order[0], output);
        }
    }

    private void Consume(Event input)
    {
        _numbers.Enqueue((input.Sequence, input.EventId));
        _lastConsumed = input.Sequence;
    }

    private void Open(string key, object bucket)
    {
        _open[key] = bucket;
        _order.Add(key);
    }

    private void Write(string key, SegmentedWal output)
    {
        var bucket = _open[key];
        _open.Remove(key);
        _order.Remove(key);
        Event evt;
        if (bucket is ScalarBucket scalars)
        {
            evt = new Event { TimestampUnixNanos = scalars.Last.TimestampUnixNanos, Step = scalars.Last.Step, Name = scalars.First.Name, Aggregate = scalars.ToAggregate() };
            evt.Tags.Add(scalars.First.Tags);
            Buckets++;
        }
        else
        {
            evt = ((SummaryBucket)bucket).ToEvent();
            MergedSummaries++;
        }

        // The smallest number not yet taken: unique in the run, and the same whenever the same log is downsampled.
        var (sequence, eventId) = _numbers.Dequeue();
        var next = _lastConsumed + 1;
        foreach (var open in _open.Values)
        {
            next = Math.Min(next, open is ScalarBucket s ? s.First.Sequence : ((SummaryBucket)open).First.Sequence);
        }

        var span = next > sequence ? next - sequence : 1;
        for (ulong taken = 1; taken < span; taken++)
        {
            _numbers.Dequeue();
        }

        evt.Sequence = sequence;
        evt.EventId = eventId;
        if (span > 1)
        {
            evt.SequenceSpan = span;
        }

        output.Write(LogRewriter.Frame(new Record { Event = evt }.ToByteArray()));
    }
}
