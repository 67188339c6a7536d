namespace Repro.Aggregation;

/// <summary>
/// Counts values per fixed bucket. With bounds b0 &lt; b1 &lt; … &lt; bn-1 there are n + 1 buckets:
/// (−∞, b0), [b0, b1), …, [bn-1, +∞). NaN values are counted apart.
/// </summary>
public sealed class FixedBucketHistogram
{
    private readonly double[] _bounds;
    private readonly ulong[] _counts;

    /// <summary>Creates a histogram over <paramref name="bounds"/> (finite, strictly increasing).</summary>
    public FixedBucketHistogram(IReadOnlyList<double> bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (bounds.Count == 0)
        {
            throw new ArgumentException("A histogram needs at least one bound.", nameof(bounds));
        }

        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                throw new ArgumentException($"Histogram bounds must be finite and strictly increasing; bound {i} is {bounds[i]}.", nameof(bounds));
            }
        }

        _bounds = [.. bounds];
        _counts = new ulong[_bounds.Length + 1];
    }

    /// <summary>The bucket bounds.</summary>
    public IReadOnlyList<double> Bounds => _bounds;

    /// <summary>Counts per bucket, underflow first and overflow last.</summary>
    public IReadOnlyList<ulong> Counts => _counts;

    /// <summary>NaN values added.</summary>
    public ulong NaNCount { get; private set; }

    /// <summary>Adds one value.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            NaNCount++;
            return;
        }

        // The first bound greater than the value is the bucket's upper end.
        var index = Array.BinarySearch(_bounds, value);
        _counts[index >= 0 ? index + 1 : ~index]++;
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        NaNCount = 0;
    }
}
