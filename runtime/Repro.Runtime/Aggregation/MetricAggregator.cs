using Repro.Events;

namespace Repro.Aggregation;

/// <summary>
/// Summarises one metric per interval of steps on the writer thread (so the logging path stays
/// lock-free): the summary of interval [k·n, (k+1)·n) is emitted when a value from another interval
/// arrives, or when the run ends.
/// </summary>
internal sealed class MetricAggregator
{
    private readonly MetricDeclaration _metric;
    private readonly long _intervalSteps;
    private readonly RunningStatistics? _statistics;
    private readonly FixedBucketHistogram? _histogram;
    private readonly TDigest? _sketch;
    private ulong _sketchNaNs;
    private readonly bool _lastOnly;
    private double _last;
    private long _lastExact;
    private long _interval;
    private long _firstStep;
    private long _lastStep;
    private bool _open;
    private bool _changedSinceSnapshot;

    private MetricAggregator(MetricDeclaration metric)
    {
        _metric = metric;
        _intervalSteps = metric.Options.IntervalSteps;
        switch (metric.Options.Aggregation)
        {
            case MetricAggregation.Statistics or MetricAggregation.Mean or MetricAggregation.Min or MetricAggregation.Max:
                _statistics = new RunningStatistics();
                break;
            case MetricAggregation.Histogram:
                _histogram = new FixedBucketHistogram(metric.Options.HistogramBounds!);
                break;
            case MetricAggregation.Last:
                _lastOnly = true;
                break;
            default:
                _sketch = new TDigest(metric.Options.SketchCompression);
                break;
        }
    }

    /// <summary>Whether the metric's values are recorded as well as summarised.</summary>
    public bool RecordValues => !_lastOnly && _metric.Options.RecordValues;

    /// <summary>The aggregator a metric asks for, or null.</summary>
    public static MetricAggregator? For(MetricDeclaration metric) =>
        metric.Options.Aggregation == MetricAggregation.None ? null : new MetricAggregator(metric);

    /// <summary>Adds a value; returns the summary of the interval it closed, if any.</summary>
    /// <param name="step">The step.</param>
    /// <param name="value">The value as a number.</param>
    /// <param name="exact">For integer metrics, the exact value (kept by Last).</param>
    public Event? Add(long step, double value, long exact = 0)
    {
        var interval = FloorDivide(step, _intervalSteps);
        var closed = _open && interval != _interval ? TakeSummary() : null;
        if (!_open)
        {
            _open = true;
            _interval = interval;
            _firstStep = step;
        }

        _changedSinceSnapshot = true;
        _lastStep = step;
        _last = value;
        _lastExact = exact;
        _statistics?.Add(value);
        _histogram?.Add(value);
        if (_sketch is not null)
        {
            if (double.IsNaN(value))
            {
                _sketchNaNs++;
            }
            else
            {
                _sketch.Add(value);
            }
        }

        return closed;
    }

    /// <summary>The summary of the open interval (then closed), or null when none is open.</summary>
    public Event? TakeSummary()
    {
        if (!_open)
        {
            return null;
        }

        var evt = Summarise(reset: true);
        _open = false;
        _changedSinceSnapshot = false;
        return evt;
    }

    /// <summary>
    /// What the open interval holds now, marked <c>interval_open</c>, without closing it; null when no
    /// interval is open or nothing was added since the last snapshot. Written when a flush asks for
    /// it, so values acknowledged by a flush survive a crash even when they are only summarised.
    /// </summary>
    public Event? Snapshot()
    {
        if (!_open || !_changedSinceSnapshot)
        {
            return null;
        }

        _changedSinceSnapshot = false;
        var evt = Summarise(reset: false);
        evt.IntervalOpen = true;
        return evt;
    }

    private Event Summarise(bool reset)
    {
        var evt = new Event { Name = _metric.Name, Step = _lastStep };
        foreach (var (key, value) in _metric.Tags)
        {
            evt.Tags.Add(key, value);
        }

        if (_lastOnly)
        {
            evt.Scalar = _metric.IsInteger ? new Scalar { Value = _lastExact, IntValue = _lastExact } : new Scalar { Value = _last };
        }
        else if (_statistics is { } s)
        {
            evt.Aggregate = new Events.Aggregate
            {
                Count = s.Count,
                Min = s.Min,
                Max = s.Max,
                Mean = s.Mean,
                StdDev = s.StandardDeviation,
                FirstStep = _firstStep,
                LastStep = _lastStep,
                NanCount = s.NaNCount,
            };
            if (reset)
            {
                s.Reset();
            }
        }
        else if (_histogram is { } h)
        {
            evt.Histogram = new Histogram { NanCount = h.NaNCount, FirstStep = _firstStep, LastStep = _lastStep };
            evt.Histogram.Bounds.AddRange(h.Bounds);
            evt.Histogram.Counts.AddRange(h.Counts);
            if (reset)
            {
                h.Reset();
            }
        }
        else
        {
            var digest = _sketch!;
            evt.Sketch = new Events.TDigest
            {
                Compression = digest.Compression,
                Min = digest.Min,
                Max = digest.Max,
                FirstStep = _firstStep,
                LastStep = _lastStep,
                NanCount = _sketchNaNs,
            };
            foreach (var (mean, weight) in digest.Centroids())
            {
                evt.Sketch.Means.Add(mean);
                evt.Sketch.Weights.Add(weight);
            }

            if (reset)
            {
                digest.Reset();
                _sketchNaNs = 0;
            }
        }

        return evt;
    }

    private static long FloorDivide(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}
