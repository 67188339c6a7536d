using Repro.Aggregation;
using Repro.Drift;

namespace Repro.Runtime.Tests.Drift;

/// <summary>
/// PSI and KS from sketches against the exact values computed on the raw data they summarise (seeded samples; the
/// exact PSI uses the raw training sample's own quantiles as bin edges).
/// </summary>
public sealed class DriftMeasuresTests
{
    private const int Seed = 20261206;

    [Theory]
    [InlineData(0.0, 1.0)]   // the same distribution
    [InlineData(0.2, 1.0)]   // a small shift
    [InlineData(0.5, 1.0)]   // a clear shift
    [InlineData(0.0, 1.6)]   // the same centre, wider
    [InlineData(2.0, 0.5)]   // far off
    public void Psi_and_ks_from_sketches_match_the_exact_values_on_the_raw_data(double shift, double scale)
    {
        var random = new Random(Seed);
        var expected = Normal(random, 20_000, 0, 1);
        var actual = Normal(random, 5_000, shift, scale);

        var psi = DriftMeasures.PopulationStabilityIndex(Digest(expected), Digest(actual));
        var ks = DriftMeasures.KolmogorovSmirnov(Digest(expected), Digest(actual));

        var exactPsi = ExactPsi(expected, actual, 10);
        var exactKs = ExactKs(expected, actual);
        Assert.InRange(psi, exactPsi - 0.01 - (0.05 * exactPsi), exactPsi + 0.01 + (0.05 * exactPsi));
        Assert.InRange(ks, exactKs - 0.01, exactKs + 0.01);
    }

    [Fact]
    public void A_skewed_feature_and_one_with_few_distinct_values_stay_close_to_exact()
    {
        var random = new Random(Seed + 1);
        double[] skewed = [.. Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 4))];
        double[] skewedLater = [.. Enumerable.Range(0, 5_000).Select(_ => Math.Exp(0.3 + (random.NextDouble() * 4)))];
        double[] counts = [.. Enumerable.Range(0, 20_000).Select(_ => (double)random.Next(0, 5))];
        double[] countsLater = [.. Enumerable.Range(0, 5_000).Select(_ => (double)random.Next(0, 5))];

        Assert.InRange(DriftMeasures.KolmogorovSmirnov(Digest(skewed), Digest(skewedLater)), ExactKs(skewed, skewedLater) - 0.01, ExactKs(skewed, skewedLater) + 0.01);
        Assert.InRange(DriftMeasures.PopulationStabilityIndex(Digest(counts), Digest(countsLater)), 0, 0.02); // the same five values, the same shares
    }

    [Fact]
    public void The_cdf_inverts_the_quantiles_and_matches_the_empirical_distribution()
    {
        var random = new Random(Seed + 2);
        var values = Normal(random, 50_000, 3, 2);
        var digest = Digest(values);
        Array.Sort(values);

        foreach (var q in new[] { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999 })
        {
            Assert.InRange(digest.Cdf(digest.Quantile(q)), q - 0.002, q + 0.002);
            var x = values[(int)(q * values.Length)];
            Assert.InRange(digest.Cdf(x), q - 0.005, q + 0.005);
        }

        Assert.Equal(0, digest.Cdf(values[0] - 1));
        Assert.Equal(1, digest.Cdf(values[^1]));
        Assert.True(double.IsNaN(new TDigest().Cdf(1)));
        Assert.True(double.IsNaN(digest.Cdf(double.NaN)));
    }

    [Fact]
    public void Empty_sketches_and_bad_bin_counts_are_refused()
    {
        var some = Digest([1, 2, 3]);
        Assert.Throws<ArgumentException>(() => DriftMeasures.PopulationStabilityIndex(new TDigest(), some));
        Assert.Throws<ArgumentException>(() => DriftMeasures.KolmogorovSmirnov(some, new TDigest()));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftMeasures.PopulationStabilityIndex(some, some, bins: 1));
    }

    private static double[] Normal(Random random, int count, double mean, double deviation) =>
        [.. Enumerable.Range(0, count).Select(_ => mean + (deviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];

    private static TDigest Digest(double[] values)
    {
        var digest = new TDigest();
        foreach (var value in values)
        {
            digest.Add(value);
        }

        return digest;
    }

    /// <summary>PSI on the raw samples: bins cut at the raw expected sample's quantiles, shares floored as the sketch version floors them.</summary>
    private static double ExactPsi(double[] expected, double[] actual, int bins)
    {
        var sorted = expected.Order().ToArray();
        var edges = Enumerable.Range(1, bins - 1).Select(i => sorted[(int)((double)i / bins * sorted.Length)]).Distinct().ToArray();
        double Share(double[] values, double low, double high) => values.Count(v => v > low && v <= high) / (double)values.Length;
        var psi = 0.0;
        for (var i = 0; i <= edges.Length; i++)
        {
            var low = i == 0 ? double.NegativeInfinity : edges[i - 1];
            var high = i == edges.Length ? double.PositiveInfinity : edges[i];
            var e = Math.Max(Share(expected, low, high), DriftMeasures.EmptyBinShare);
            var a = Math.Max(Share(actual, low, high), DriftMeasures.EmptyBinShare);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>The two-sample KS statistic on the raw samples, by a merge of the sorted samples.</summary>
    private static double ExactKs(double[] expected, double[] actual)
    {
        var a = expected.Order().ToArray();
        var b = actual.Order().ToArray();
        int i = 0, j = 0;
        var distance = 0.0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            distance = Math.Max(distance, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        return distance;
    }
}
