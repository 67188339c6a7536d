using Repro.Events;
using Repro.Export.TensorBoard.Proto;

namespace Repro.Export.TensorBoard;

/// <summary>
/// Repro's summaries as TensorBoard histograms (<c>bucket[i]</c> counts values up to <c>bucket_limit[i]</c>, the
/// first bucket from −∞). A fixed-bucket histogram keeps its buckets exactly; its min, max and sums are estimated
/// from the occupied buckets' edges and midpoints. A t-digest becomes one bucket per centroid, with exact min, max
/// and sum.
/// </summary>
internal static class Histograms
{
    public static TbHistogram From(Histogram histogram)
    {
        var result = new TbHistogram();
        var bounds = histogram.Bounds;
        var counts = histogram.Counts;
        double? low = null;
        double high = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            // counts[0] is below bounds[0]; counts[^1] is at or above bounds[^1].
            var lower = i == 0 ? (bounds.Count > 0 ? bounds[0] : 0) : bounds[i - 1];
            var upper = i < bounds.Count ? bounds[i] : (bounds.Count > 0 ? bounds[^1] : 0);
            result.BucketLimit.Add(i < bounds.Count ? bounds[i] : double.MaxValue);
            result.Bucket.Add(counts[i]);
            if (counts[i] == 0)
            {
                continue;
            }

            low ??= lower;
            high = upper;
            var middle = (lower + upper) / 2;
            result.Num += counts[i];
            result.Sum += counts[i] * middle;
            result.SumSquares += counts[i] * middle * middle;
        }

        result.Min = low ?? 0;
        result.Max = high;
        return result;
    }

    public static TbHistogram From(TDigest digest)
    {
        var result = new TbHistogram { Min = digest.Min, Max = digest.Max };
        for (var i = 0; i < digest.Means.Count; i++)
        {
            var mean = digest.Means[i];
            var weight = digest.Weights[i];
            // Each centroid's bucket ends halfway to the next centroid; the last one at the maximum.
            result.BucketLimit.Add(i + 1 < digest.Means.Count ? (mean + digest.Means[i + 1]) / 2 : digest.Max);
            result.Bucket.Add(weight);
            result.Num += weight;
            result.Sum += weight * mean;
            result.SumSquares += weight * mean * mean;
        }

        return result;
    }
}
