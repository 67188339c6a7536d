using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Metrics;

/// <summary>
/// A histogram counted on the tensor's own device without reading anything back: no step of it depends on a value
/// only the device knows, so a GPU computes it while the program goes on.
/// </summary>
internal static class DeviceHistogram
{
    // The bounds as a tensor, per metric and device: made once, because copying them to a GPU would wait for it.
    private static readonly ConditionalWeakTable<MetricDeclaration, Dictionary<string, Tensor>> s_bounds = [];

    /// <summary>
    /// An int64 tensor on <paramref name="values"/>' device: one count per bucket of <paramref name="metric"/>'s
    /// bounds (underflow first, overflow last, buckets as FixedBucketHistogram's), then the count of NaN elements.
    /// Elements are compared as doubles, as logging each of them would compare them.
    /// </summary>
    /// <exception cref="ArgumentException">The metric has no histogram bounds, or the tensor is not floating point.</exception>
    public static Tensor Count(MetricDeclaration metric, Tensor values)
    {
        if (metric.Options is not { Aggregation: MetricAggregation.Histogram, HistogramBounds: { } bounds })
        {
            throw new ArgumentException($"Metric '{metric.Name}' is not declared with Aggregation = Histogram and HistogramBounds.", nameof(metric));
        }

        if (!values.is_floating_point())
        {
            throw new ArgumentException($"A histogram of metric '{metric.Name}' needs a floating-point tensor, not {values.dtype}.", nameof(values));
        }

        var flat = values.detach().flatten().to_type(ScalarType.Float64);
        var isNaN = flat.isnan();
        var nanCount = isNaN.sum().reshape(1);

        // NaN is counted apart: it is moved to +∞ (the overflow bucket) and taken back out of that bucket after,
        // rather than removed, since removing it would give a tensor whose size only the device knows.
        var numbers = flat.nan_to_num(double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity);

        // right: true puts a value equal to a bound in the bucket that bound opens, as FixedBucketHistogram does.
        var buckets = torch.bucketize(numbers, Bounds(metric, bounds, flat.device), false, true);
        var counts = buckets.bincount(null, bounds.Count + 1);
        counts[bounds.Count].sub_(nanCount.squeeze());
        return torch.cat([counts, nanCount.to_type(ScalarType.Int64)]);
    }

    private static Tensor Bounds(MetricDeclaration metric, IReadOnlyList<double> bounds, Device device)
    {
        var perDevice = s_bounds.GetOrCreateValue(metric);
        lock (perDevice)
        {
            var key = device.ToString();
            if (!perDevice.TryGetValue(key, out var tensor))
            {
                tensor = torch.tensor(bounds.ToArray(), ScalarType.Float64, device).DetachFromDisposeScope();
                perDevice[key] = tensor;
            }

            return tensor;
        }
    }
}
