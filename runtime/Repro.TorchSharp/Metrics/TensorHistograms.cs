using static TorchSharp.torch;

namespace Repro.TorchSharp.Metrics;

/// <summary>
/// Histograms of tensors (parameters, gradients, activations) counted by libtorch on the tensor's own device and
/// logged whole: one bucketize and one bincount instead of one logged scalar per element, and the same counts as
/// logging every element would give.
/// </summary>
public static class TensorHistograms
{
    /// <summary>
    /// Counts <paramref name="values"/>' elements into <paramref name="metric"/>'s buckets (declared with
    /// <see cref="MetricAggregation.Histogram"/> and <see cref="MetricOptions.HistogramBounds"/>) and records the
    /// histogram at <paramref name="step"/> (see <see cref="Run.LogHistogram"/>). Elements are compared as doubles,
    /// exactly as <see cref="Run.LogScalar"/> would compare them; NaN elements are counted apart. On a GPU the
    /// counts are read back without making the calling thread wait (see <see cref="TensorMetrics"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The metric is not a histogram metric, or the tensor is not floating point.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public static void LogHistogram(this Run run, MetricDeclaration metric, long step, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.Options.Aggregation != MetricAggregation.Histogram)
        {
            throw new ArgumentException($"Metric '{metric.Name}' is not declared with Aggregation = Histogram and HistogramBounds.", nameof(metric));
        }

        TensorMetrics.Log(run, metric, step, values);
    }
}
