using Repro.Aggregation;

namespace Repro.Drift;

/// <summary>
/// Distances between two distributions held as t-digest sketches: the population stability index (PSI) over bins cut
/// at the expected distribution's quantiles, and the Kolmogorov–Smirnov distance (the largest gap between the two
/// cumulative distributions). Both read only the sketches, so a month of serving compares in microseconds.
/// </summary>
public static class DriftMeasures
{
    /// <summary>The smallest share a bin is given in the PSI, so an empty bin costs a large but finite term.</summary>
    public const double EmptyBinShare = 1e-4;

    /// <summary>
    /// PSI = Σ (actual − expected) · ln(actual / expected) over <paramref name="bins"/> bins whose edges are the
    /// expected distribution's quantiles at 1/bins, 2/bins, …; each share is at least <see cref="EmptyBinShare"/>.
    /// Usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a significant one.
    /// </summary>
    /// <exception cref="ArgumentException">A sketch is empty, or there are fewer than 2 or more than 1,000 bins.</exception>
    public static double PopulationStabilityIndex(TDigest expected, TDigest actual, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, 1000);
        RequireValues(expected, nameof(expected));
        RequireValues(actual, nameof(actual));
        var edges = Edges(expected, bins);
        var psi = 0.0;
        double expectedBelow = 0, actualBelow = 0;
        for (var i = 0; i <= edges.Count; i++)
        {
            var expectedUpTo = i < edges.Count ? expected.Cdf(edges[i]) : 1;
            var actualUpTo = i < edges.Count ? actual.Cdf(edges[i]) : 1;
            var e = Math.Max(expectedUpTo - expectedBelow, EmptyBinShare);
            var a = Math.Max(actualUpTo - actualBelow, EmptyBinShare);
            psi += (a - e) * Math.Log(a / e);
            expectedBelow = expectedUpTo;
            actualBelow = actualUpTo;
        }

        return psi;
    }

    /// <summary>
    /// The bin edges the PSI uses: the expected distribution's quantiles at 1/bins … (bins−1)/bins, ties merged (a
    /// feature with few distinct values gets fewer, wider bins rather than empty ones).
    /// </summary>
    public static IReadOnlyList<double> Edges(TDigest expected, int bins)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var edges = new List<double>(bins - 1);
        for (var i = 1; i < bins; i++)
        {
            var edge = expected.Quantile((double)i / bins);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return edges;
    }

    /// <summary>
    /// The Kolmogorov–Smirnov distance: the largest |F_expected(x) − F_actual(x)|, looked for at every centroid mean,
    /// min and max of both sketches and at each of their percentiles.
    /// </summary>
    /// <exception cref="ArgumentException">A sketch is empty.</exception>
    public static double KolmogorovSmirnov(TDigest expected, TDigest actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        RequireValues(expected, nameof(expected));
        RequireValues(actual, nameof(actual));
        var distance = 0.0;
        foreach (var digest in new[] { expected, actual })
        {
            foreach (var point in digest.Centroids().Select(c => c.Mean).Append(digest.Min).Append(digest.Max)
                .Concat(Enumerable.Range(1, 99).Select(p => digest.Quantile(p / 100.0))))
            {
                distance = Math.Max(distance, Math.Abs(expected.Cdf(point) - actual.Cdf(point)));
            }
        }

        return distance;
    }

    private static void RequireValues(TDigest digest, string parameter)
    {
        if (digest.TotalWeight <= 0)
        {
            throw new ArgumentException("The sketch holds no value: there is nothing to compare.", parameter);
        }
    }
}
