namespace Repro.Aggregation;

/// <summary>
/// A merging t-digest (Dunning and Ertl): a few hundred weighted centroids from which quantiles of
/// any number of values are estimated, most accurately near the tails. Values are buffered and
/// merged in sorted passes; a centroid may grow only while its span on the k1 scale,
/// k(q) = δ/(2π)·asin(2q − 1), stays at most 1. NaN values are ignored (callers count them).
/// </summary>
public sealed class TDigest
{
    private readonly double _compression;
    private readonly double[] _buffer;
    // Scratch space for merges, kept between them: a digest fed continuously allocates nothing once warm.
    private double[] _scratchMeans = [];
    private double[] _scratchWeights = [];
    private double[] _means;
    private double[] _weights;
    private int _centroids;
    private int _buffered;

    /// <summary>Creates an empty digest with compression δ (10 to 1,000; 100 is a good default).</summary>
    public TDigest(double compression = 100)
    {
        if (compression is < 10 or > 1000 || double.IsNaN(compression))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Compression must be from 10 to 1,000.");
        }

        _compression = compression;
        var capacity = (int)Math.Ceiling(compression * 2) + 10;
        _means = new double[capacity];
        _weights = new double[capacity];
        _buffer = new double[capacity * 5];
    }

    /// <summary>The compression δ.</summary>
    public double Compression => _compression;

    /// <summary>Values added.</summary>
    public double TotalWeight { get; private set; }

    /// <summary>Smallest value added; +∞ when empty.</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest value added; −∞ when empty.</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>Adds one value (NaN is ignored).</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        TotalWeight++;
        _buffer[_buffered++] = value;
        if (_buffered == _buffer.Length)
        {
            Merge();
        }
    }

    /// <summary>The centroids (mean, weight), sorted by mean.</summary>
    public IReadOnlyList<(double Mean, double Weight)> Centroids()
    {
        Merge();
        var result = new (double, double)[_centroids];
        for (var i = 0; i < _centroids; i++)
        {
            result[i] = (_means[i], _weights[i]);
        }

        return result;
    }

    /// <summary>Estimates the <paramref name="q"/>-quantile (0 ≤ q ≤ 1); NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (q is < 0 or > 1 || double.IsNaN(q))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1.");
        }

        Merge();
        if (_centroids == 0)
        {
            return double.NaN;
        }

        if (_centroids == 1 || q == 0 || q == 1)
        {
            return q == 0 ? Min : q == 1 ? Max : _means[0];
        }

        var target = q * TotalWeight;
        // Centroid i stands for the weight around its centre: before[i] + weight[i] / 2.
        var firstCentre = _weights[0] / 2;
        if (target < firstCentre)
        {
            return Min + ((_means[0] - Min) * (target / firstCentre));
        }

        var lastCentre = TotalWeight - (_weights[_centroids - 1] / 2);
        if (target > lastCentre)
        {
            return _means[_centroids - 1] + ((Max - _means[_centroids - 1]) * ((target - lastCentre) / (TotalWeight - lastCentre)));
        }

        var centre = firstCentre;
        for (var i = 0; i < _centroids - 1; i++)
        {
            var nextCentre = centre + ((_weights[i] + _weights[i + 1]) / 2);
            if (target <= nextCentre)
            {
                var fraction = (target - centre) / (nextCentre - centre);
                return _means[i] + ((_means[i + 1] - _means[i]) * fraction);
            }

            centre = nextCentre;
        }

        return _means[_centroids - 1];
    }

    /// <summary>
    /// Estimates the fraction of values at or below <paramref name="x"/> (0 to 1), the inverse of
    /// <see cref="Quantile"/>: each centroid stands at the middle of its weight, with straight lines between centroid
    /// means and from the min and the max to the outer centroids. NaN when empty or when <paramref name="x"/> is NaN.
    /// </summary>
    public double Cdf(double x)
    {
        Merge();
        if (_centroids == 0 || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < Min)
        {
            return 0;
        }

        if (x >= Max)
        {
            return 1;
        }

        if (_centroids == 1)
        {
            return Max > Min ? (x - Min) / (Max - Min) : 1;
        }

        var firstCentre = _weights[0] / 2;
        if (x < _means[0])
        {
            return firstCentre * ((x - Min) / (_means[0] - Min)) / TotalWeight;
        }

        var lastCentre = TotalWeight - (_weights[_centroids - 1] / 2);
        if (x >= _means[_centroids - 1])
        {
            var tail = Max - _means[_centroids - 1];
            return (lastCentre + ((TotalWeight - lastCentre) * (tail > 0 ? (x - _means[_centroids - 1]) / tail : 1))) / TotalWeight;
        }

        var centre = firstCentre;
        for (var i = 0; i < _centroids - 1; i++)
        {
            var nextCentre = centre + ((_weights[i] + _weights[i + 1]) / 2);
            if (x < _means[i + 1])
            {
                var gap = _means[i + 1] - _means[i];
                return (centre + ((nextCentre - centre) * (gap > 0 ? (x - _means[i]) / gap : 1))) / TotalWeight;
            }

            centre = nextCentre;
        }

        return lastCentre / TotalWeight;
    }

    /// <summary>A digest holding recorded centroids (sorted by mean), as a sketch event stores them, to ask it for quantiles.</summary>
    /// <exception cref="ArgumentException">The columns differ in length.</exception>
    public static TDigest FromCentroids(double compression, IReadOnlyList<double> means, IReadOnlyList<double> weights, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(weights);
        if (means.Count != weights.Count)
        {
            throw new ArgumentException($"A sketch has as many weights as means; this one has {means.Count} means and {weights.Count} weights.", nameof(weights));
        }

        var digest = new TDigest(Math.Clamp(double.IsNaN(compression) ? 100 : compression, 10, 1000));
        if (means.Count > digest._means.Length)
        {
            digest._means = new double[means.Count];
            digest._weights = new double[means.Count];
        }

        for (var i = 0; i < means.Count; i++)
        {
            digest._means[i] = means[i];
            digest._weights[i] = weights[i];
            digest.TotalWeight += weights[i];
        }

        digest._centroids = means.Count;
        digest.Min = min;
        digest.Max = max;
        return digest;
    }

    /// <summary>
    /// Adds everything <paramref name="other"/> holds, centroid by centroid, as one digest of both sets of values
    /// (how interval sketches are merged into coarser intervals); <paramref name="other"/> is not changed in content.
    /// </summary>
    public void Add(TDigest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        other.Merge();
        Merge();
        if (other._centroids == 0)
        {
            return;
        }

        var count = _centroids + other._centroids;
        var (means, weights) = Scratch(count);
        Array.Copy(_means, means, _centroids);
        Array.Copy(_weights, weights, _centroids);
        Array.Copy(other._means, 0, means, _centroids, other._centroids);
        Array.Copy(other._weights, 0, weights, _centroids, other._centroids);
        Array.Sort(means, weights, 0, count);
        TotalWeight += other.TotalWeight;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Compress(means, weights, count);
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        _centroids = 0;
        _buffered = 0;
        TotalWeight = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }

    private void Merge()
    {
        if (_buffered == 0)
        {
            return;
        }

        // All points to merge: the existing centroids and the buffered values (weight 1), by mean.
        var count = _centroids + _buffered;
        var (means, weights) = Scratch(count);
        Array.Copy(_means, means, _centroids);
        Array.Copy(_weights, weights, _centroids);
        Array.Copy(_buffer, 0, means, _centroids, _buffered);
        Array.Fill(weights, 1.0, _centroids, _buffered);
        Array.Sort(means, weights, 0, count);
        _buffered = 0;
        Compress(means, weights, count);
    }

    /// <summary>Replaces the centroids by <paramref name="count"/> points sorted by mean, merged as far as the k1 scale allows.</summary>
    private void Compress(double[] means, double[] weights, int count)
    {
        var total = TotalWeight;
        var merged = 0;
        var before = 0.0;
        var currentMean = means[0];
        var currentWeight = weights[0];
        var kLeft = K(0);
        for (var i = 1; i < count; i++)
        {
            var proposed = currentWeight + weights[i];
            if (K((before + proposed) / total) - kLeft <= 1)
            {
                currentWeight = proposed;
                currentMean += (means[i] - currentMean) * weights[i] / currentWeight;
            }
            else
            {
                Store(ref merged, currentMean, currentWeight);
                before += currentWeight;
                kLeft = K(before / total);
                currentMean = means[i];
                currentWeight = weights[i];
            }
        }

        Store(ref merged, currentMean, currentWeight);
        _centroids = merged;
    }

    private (double[] Means, double[] Weights) Scratch(int count)
    {
        if (_scratchMeans.Length < count)
        {
            _scratchMeans = new double[count];
            _scratchWeights = new double[count];
        }

        return (_scratchMeans, _scratchWeights);
    }

    private void Store(ref int index, double mean, double weight)
    {
        if (index == _means.Length)
        {
            Array.Resize(ref _means, _means.Length * 2);
            Array.Resize(ref _weights, _weights.Length * 2);
        }

        _means[index] = mean;
        _weights[index] = weight;
        index++;
    }

    private double K(double q) => _compression / (2 * Math.PI) * Math.Asin((2 * Math.Clamp(q, 0, 1)) - 1);
}
