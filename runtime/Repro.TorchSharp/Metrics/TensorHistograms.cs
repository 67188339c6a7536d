using TorchSharp;
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
    /// exactly as <see cref="Run.LogScalar"/> would compare them; NaN elements are counted apart. Reading the counts
    /// waits for the device once per call.
    /// </summary>
    /// <exception cref="ArgumentException">The metric is not a histogram metric, or the tensor is not floating point.</exception>
    public static void LogHistogram(this Run run, MetricDeclaration metric, long step, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(values);
        if (metric.Options is not { Aggregation: MetricAggregation.Histogram, HistogramBounds: { } bounds })
        {
            throw new ArgumentException($"Metric '{metric.Name}' is not declared with Aggregation = Histogram and HistogramBounds.", nameof(metric));
        }

        if (!values.is_floating_point())
        {
            throw new ArgumentException($"A histogram of metric '{metric.Name}' needs a floating-point tensor, not {values.dtype}.", nameof(values));
        }

        using var scope = torch.NewDisposeScope();
        var flat = values.detach().flatten().to_type(ScalarType.Float64);
        var isNaN = flat.isnan();
        var nanCount = isNaN.sum().item<long>();
        var numbers = nanCount > 0 ? flat.masked_select(isNaN.logical_not()) : flat;
        var boundaries = torch.tensor(bounds.ToArray(), ScalarType.Float64, flat.device);

        // right: true puts a value equal to a bound in the bucket that bound opens, as FixedBucketHistogram does.
        var buckets = torch.bucketize(numbers, boundaries, false, true);
        var counts = buckets.bincount(null, bounds.Count + 1).cpu().data<long>().ToArray();
        var unsigned = new ulong[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            unsigned[i] = (ulong)counts[i];
        }

        run.LogHistogram(metric, step, unsigned, (ulong)nanCount);
    }
}
