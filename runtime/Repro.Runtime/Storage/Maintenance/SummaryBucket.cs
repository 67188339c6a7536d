using SketchDigest = Repro.Aggregation.TDigest;
using Repro.Events;

namespace Repro.Storage.Maintenance;

/// <summary>
/// Consecutive interval summaries of one metric (histograms, or t-digest sketches) merged into one coarser interval
/// by downsampling: a histogram's counts are added bucket by bucket, which is exact; sketches are merged centroid by
/// centroid into one t-digest of the same compression, which keeps min, max and the tails. The result says how many
/// logged intervals it merges (<c>merged</c>).
/// </summary>
internal sealed class SummaryBucket : IStretchBucket
{
    private readonly int _factor;
    private readonly ulong[]? _counts;
    private readonly SketchDigest? _sketch;
    private ulong _nanCount;

    /// <param name="first">The first summary merged.</param>
    /// <param name="factor">The most logged intervals it merges.</param>
    public SummaryBucket(Event first, int factor)
    {
        _factor = factor;
        First = first;
        Last = first;
        if (first.ValueCase == Event.ValueOneofCase.Histogram)
        {
            _counts = new ulong[first.Histogram.Counts.Count];
        }
        else
        {
            _sketch = Aggregation.SketchEvents.EmptyLike(first.Sketch);
        }

        Add(first);
    }

    /// <summary>The first summary merged (its metric, tags, bounds and first step).</summary>
    public Event First { get; }

    /// <summary>The last summary merged.</summary>
    public Event Last { get; private set; }

    /// <summary>How many logged intervals the bucket holds.</summary>
    public int Intervals { get; private set; }

    /// <summary>Whether <paramref name="next"/> can join: the same kind of summary, and for histograms the same bounds.</summary>
    public bool Accepts(Event next) =>
        next.ValueCase == First.ValueCase
        && (next.ValueCase != Event.ValueOneofCase.Histogram || (next.Histogram.Bounds.SequenceEqual(First.Histogram.Bounds) && next.Histogram.Counts.Count == _counts!.Length));

    public bool IsFullFor(Event next) => Intervals >= _factor || !Accepts(next);

    public void Add(Event summary)
    {
        Last = summary;
        if (_counts is not null)
        {
            var histogram = summary.Histogram;
            for (var i = 0; i < _counts.Length; i++)
            {
                _counts[i] += histogram.Counts[i];
            }

            _nanCount += histogram.NanCount;
            Intervals += (int)Math.Max(1, histogram.Merged);
        }
        else
        {
            var sketch = summary.Sketch;
            Aggregation.SketchEvents.AddTo(sketch, _sketch!);
            _nanCount += sketch.NanCount;
            Intervals += (int)Math.Max(1, sketch.Merged);
        }
    }

    /// <summary>The event that replaces the bucket's summaries (sequence number and id are the caller's).</summary>
    public Event ToEvent()
    {
        var evt = new Event { TimestampUnixNanos = Last.TimestampUnixNanos, Step = Last.Step, Name = First.Name };
        evt.Tags.Add(First.Tags);
        if (_counts is not null)
        {
            evt.Histogram = new Histogram { NanCount = _nanCount, FirstStep = First.Histogram.FirstStep, LastStep = Last.Histogram.LastStep, Merged = (uint)Intervals };
            evt.Histogram.Bounds.AddRange(First.Histogram.Bounds);
            evt.Histogram.Counts.AddRange(_counts);
        }
        else
        {
            var centroids = _sketch!.Centroids();
            evt.Sketch = new TDigest
            {
                Compression = _sketch.Compression,
                Min = centroids.Count > 0 ? _sketch.Min : First.Sketch.Min,
                Max = centroids.Count > 0 ? _sketch.Max : First.Sketch.Max,
                FirstStep = First.Sketch.FirstStep,
                LastStep = Last.Sketch.LastStep,
                NanCount = _nanCount,
                Merged = (uint)Intervals,
            };
            evt.Sketch.Means.AddRange(centroids.Select(c => c.Mean));
            evt.Sketch.Weights.AddRange(centroids.Select(c => c.Weight));
        }

        return evt;
    }
}
