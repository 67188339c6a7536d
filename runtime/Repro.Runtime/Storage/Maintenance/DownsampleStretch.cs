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
    private readonly Dictionary<string, IStretchBucket> _open = new(StringComparer.Ordinal);
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
        RawScalars++;
        Add("s\0" + scalar.Name, scalar, output, static (first, size, _) => new ScalarBucket(first, size));
    }

    public void AddSummary(Event summary, SegmentedWal output)
    {
        SummariesMerged++;
        Add((summary.ValueCase == Event.ValueOneofCase.Histogram ? "h\0" : "t\0") + summary.Name, summary, output, static (first, _, factor) => new SummaryBucket(first, factor));
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

    /// <summary>Adds <paramref name="input"/> to its metric's bucket, writing that bucket first when it is full.</summary>
    private void Add(string key, Event input, SegmentedWal output, Func<Event, int, int, IStretchBucket> open)
    {
        if (_open.TryGetValue(key, out var bucket) && bucket.IsFullFor(input))
        {
            Write(key, output);
        }

        Consume(input);
        if (_open.TryGetValue(key, out bucket))
        {
            bucket.Add(input);
        }
        else
        {
            _open[key] = open(input, bucketSize, summaryFactor);
            _order.Add(key);
        }
    }

    private void Write(string key, SegmentedWal output)
    {
        var bucket = _open[key];
        _open.Remove(key);
        _order.Remove(key);
        var evt = bucket.ToEvent();
        if (bucket is ScalarBucket)
        {
            Buckets++;
        }
        else
        {
            MergedSummaries++;
        }

        // The smallest number not yet taken: unique in the run, and the same whenever the same log is downsampled.
        var (sequence, eventId) = _numbers.Dequeue();
        var next = _lastConsumed + 1;
        foreach (var open in _open.Values)
        {
            next = Math.Min(next, open.First.Sequence);
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

/// <summary>One metric's inputs within a downsampling stretch, becoming one event.</summary>
internal interface IStretchBucket
{
    /// <summary>The first input (its metric, tags and sequence number).</summary>
    Event First { get; }

    /// <summary>Whether <paramref name="next"/> must go into a new bucket: this one is full, or cannot take it.</summary>
    bool IsFullFor(Event next);

    void Add(Event input);

    /// <summary>The event that replaces the inputs (sequence number and id are the caller's).</summary>
    Event ToEvent();
}
