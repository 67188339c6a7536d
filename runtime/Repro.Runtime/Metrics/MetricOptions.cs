namespace Repro;

/// <summary>What a metric's values are summarised into, besides (or instead of) the values themselves.</summary>
public enum MetricAggregation
{
    /// <summary>No summary: the values alone.</summary>
    None,

    /// <summary>Count, min, max, mean and standard deviation per interval of steps.</summary>
    Statistics,

    /// <summary>Counts per fixed bucket per interval of steps.</summary>
    Histogram,

    /// <summary>A t-digest per interval of steps, for quantiles (median, p99, …).</summary>
    Sketch,

    /// <summary>The interval's mean: recorded as its <see cref="Statistics"/> aggregate, which carries the mean.</summary>
    Mean,

    /// <summary>The interval's minimum: recorded as its <see cref="Statistics"/> aggregate, which carries the minimum.</summary>
    Min,

    /// <summary>The interval's maximum: recorded as its <see cref="Statistics"/> aggregate, which carries the maximum.</summary>
    Max,

    /// <summary>Only the last value of each interval is recorded (downsampling); <see cref="MetricOptions.RecordValues"/> does not apply.</summary>
    Last,
}

/// <summary>The declared type of a metric's values: what the log records them as.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Each member names the CLR type it stands for.")]
public enum MetricValueType
{
    /// <summary>64-bit floating point.</summary>
    Double,

    /// <summary>32-bit floating point (recorded exactly as a double).</summary>
    Single,

    /// <summary>32-bit integer (recorded exactly).</summary>
    Int32,

    /// <summary>64-bit integer (recorded exactly, at any magnitude).</summary>
    Int64,
}

/// <summary>Whether a lower or a higher value of a metric is better, so the run records its best value.</summary>
public enum MetricGoal
{
    /// <summary>No best value is tracked.</summary>
    None,

    /// <summary>Lower is better (a loss, an error rate).</summary>
    Minimize,

    /// <summary>Higher is better (an accuracy, a reward).</summary>
    Maximize,
}

/// <summary>Per-metric sampling and aggregation, validated when the metric is declared.</summary>
public sealed class MetricOptions
{
    /// <summary>Record only steps that are multiples of this (1 records every step). Default 1.</summary>
    public int EveryNSteps { get; init; } = 1;

    /// <summary>The summary to compute. Default <see cref="MetricAggregation.None"/>.</summary>
    public MetricAggregation Aggregation { get; init; }

    /// <summary>Steps per summary interval: a summary covers steps [k·n, (k+1)·n). Default 100.</summary>
    public long IntervalSteps { get; init; } = 100;

    /// <summary>Whether each value is also recorded, not only the summaries. Default true.</summary>
    public bool RecordValues { get; init; } = true;

    /// <summary>Histogram bucket bounds: finite, strictly increasing, 1 to 1,000 of them.</summary>
    public IReadOnlyList<double>? HistogramBounds { get; init; }

    /// <summary>Whether the run records this metric's best value and its step. Default none.</summary>
    public MetricGoal Goal { get; init; }

    /// <summary>t-digest compression (10 to 1,000): more centroids, more accurate quantiles. Default 100.</summary>
    public double SketchCompression { get; init; } = 100;

    /// <summary>Alert rules on this metric, evaluated in every run it is logged to. Default none.</summary>
    public Alerts.MetricAlerts? Alerts { get; init; }

    internal static MetricOptions Default { get; } = new();

    internal bool IsEquivalentTo(MetricOptions other) =>
        EveryNSteps == other.EveryNSteps
        && Aggregation == other.Aggregation
        && IntervalSteps == other.IntervalSteps
        && RecordValues == other.RecordValues
        && SketchCompression.Equals(other.SketchCompression)
        && Goal == other.Goal
        && Equals(Alerts is { IsEmpty: false } ? Alerts : null, other.Alerts is { IsEmpty: false } ? other.Alerts : null)
        && (HistogramBounds ?? []).SequenceEqual(other.HistogramBounds ?? []);

    internal static void Validate(MetricOptions options, string metric)
    {
        if (options.EveryNSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EveryNSteps, $"Metric '{metric}': EveryNSteps must be at least 1.");
        }

        if (!Enum.IsDefined(options.Aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Aggregation, $"Metric '{metric}': unknown aggregation.");
        }

        if (!Enum.IsDefined(options.Goal))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Goal, $"Metric '{metric}': unknown goal.");
        }

        if (options.IntervalSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IntervalSteps, $"Metric '{metric}': IntervalSteps must be at least 1.");
        }

        if (!options.RecordValues && options.Aggregation == MetricAggregation.None)
        {
            throw new ArgumentException($"Metric '{metric}' would record nothing: RecordValues is false and there is no aggregation.", nameof(options));
        }

        if (options.Aggregation == MetricAggregation.Histogram)
        {
            var bounds = options.HistogramBounds ?? throw new ArgumentException($"Metric '{metric}': a histogram needs HistogramBounds.", nameof(options));
            if (bounds.Count is < 1 or > 1000)
            {
                throw new ArgumentException($"Metric '{metric}': a histogram has 1 to 1,000 bounds, not {bounds.Count}.", nameof(options));
            }

            for (var i = 0; i < bounds.Count; i++)
            {
                if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
                {
                    throw new ArgumentException($"Metric '{metric}': histogram bounds must be finite and strictly increasing; bound {i} is {bounds[i]}.", nameof(options));
                }
            }
        }

        options.Alerts?.Validate(metric);
        if (options.SketchCompression is < 10 or > 1000 || double.IsNaN(options.SketchCompression))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SketchCompression, $"Metric '{metric}': SketchCompression must be from 10 to 1,000.");
        }
    }
}
