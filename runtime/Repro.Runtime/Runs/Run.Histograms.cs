using Repro.Events;

namespace Repro;

/// <summary>Histograms counted by the caller (for example on a tensor's own device), logged whole.</summary>
public sealed partial class Run
{
    /// <summary>
    /// Records a histogram the caller counted over <paramref name="metric"/>'s <see cref="MetricOptions.HistogramBounds"/>:
    /// <paramref name="counts"/> holds one count per bucket, underflow first and overflow last, with the buckets of
    /// <see cref="Aggregation.FixedBucketHistogram"/> (bucket i holds the values from bound i − 1 up to, not
    /// including, bound i). The event is the one the run writes when it counts the values itself: one
    /// <c>histogram</c> event at <paramref name="step"/>, in order with everything this thread logged before.
    /// One allocation per call; meant for a histogram every few steps, not for every value.
    /// </summary>
    /// <exception cref="ArgumentException">The metric is not a histogram metric, or the counts do not match them.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public void LogHistogram(MetricDeclaration metric, long step, ReadOnlySpan<ulong> counts, ulong nanCount = 0)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var bounds = metric.Options is { Aggregation: MetricAggregation.Histogram, HistogramBounds: { } declared } ? declared
            : throw new ArgumentException($"Metric '{metric.Name}' is not declared with Aggregation = Histogram and HistogramBounds; a histogram needs its bounds to say what its counts mean.", nameof(metric));
        if (counts.Length != bounds.Count + 1)
        {
            throw new ArgumentException($"Metric '{metric.Name}' has {bounds.Count} bounds, so a histogram of it has {bounds.Count + 1} counts (underflow first, overflow last); {counts.Length} were given.", nameof(counts));
        }

        var histogram = new Histogram { NanCount = nanCount, FirstStep = step, LastStep = step };
        histogram.Bounds.AddRange(bounds);
        foreach (var count in counts)
        {
            histogram.Counts.Add(count);
        }

        var evt = new Event { Name = metric.Name, Step = step, Histogram = histogram };
        foreach (var (key, value) in metric.Tags)
        {
            evt.Tags.Add(key, value);
        }

        Enqueue(evt);
    }
}
