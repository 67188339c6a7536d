using Repro.Aggregation;

namespace Repro.Runtime.Tests.Aggregation;

public class TDigestTests
{
    private const int Count = 100_000;

    public static TheoryData<string> Distributions => ["uniform", "normal", "exponential", "sorted", "reversed", "duplicates"];

    /// <summary>
    /// Rank error of each estimate against the exact quantile of the same data: the fraction of
    /// values below the estimate must be within the bound of q. With δ = 100 a t-digest is tight at
    /// the tails and looser in the middle.
    /// </summary>
    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantile_estimates_stay_within_rank_error_bounds(string distribution)
    {
        var values = Generate(distribution);
        var digest = new TDigest(100);
        foreach (var value in values)
        {
            digest.Add(value);
        }

        var sorted = values.Order().ToArray();
        // Heavily tied data (50 distinct values) costs up to 1% of rank in the middle: the digest
        // interpolates between tied centroids (12 and 13 give 12.015, whose rank is that of 12's end).
        var middle = distribution == "duplicates" ? 0.01 : 0.006;
        foreach (var (q, bound) in new[] { (0.001, 0.0005), (0.01, 0.001), (0.1, 0.005), (0.25, middle), (0.5, middle), (0.75, middle), (0.9, 0.005), (0.99, 0.001), (0.999, 0.0005) })
        {
            var estimate = digest.Quantile(q);
            var below = LowerRank(sorted, estimate) / (double)Count;
            var atOrBelow = UpperRank(sorted, estimate) / (double)Count;
            // With ties, any rank in [below, atOrBelow] is exact.
            var error = q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
            Assert.True(error <= bound, $"{distribution}: q={q} estimate={estimate} rank error {error:F5} > {bound}");
        }

        Assert.Equal(sorted[0], digest.Quantile(0));
        Assert.Equal(sorted[^1], digest.Quantile(1));
        Assert.Equal(Count, digest.TotalWeight);
        Assert.InRange(digest.Centroids().Count, 10, 200);
        Assert.Equal(Count, digest.Centroids().Sum(c => c.Weight));
    }

    [Fact]
    public void Small_and_empty_digests_answer_sensibly()
    {
        var digest = new TDigest();
        Assert.True(double.IsNaN(digest.Quantile(0.5)));
        digest.Add(42);
        digest.Add(double.NaN);

        Assert.Equal(42, digest.Quantile(0.5));
        Assert.Equal(1, digest.TotalWeight);
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(5000.0)]
    [InlineData(double.NaN)]
    public void Compression_out_of_range_is_refused(double compression) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TDigest(compression));

    [Fact]
    public void Quantiles_outside_zero_to_one_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TDigest().Quantile(1.5));

    private static double[] Generate(string distribution)
    {
        var random = new Random(distribution.Length * 7919);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var values = distribution switch
        {
            "normal" => Enumerable.Range(0, Count).Select(_ => Normal()).ToArray(),
            "exponential" => Enumerable.Range(0, Count).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray(),
            "sorted" => Enumerable.Range(0, Count).Select(i => (double)i).ToArray(),
            "reversed" => Enumerable.Range(0, Count).Select(i => (double)(Count - i)).ToArray(),
            "duplicates" => Enumerable.Range(0, Count).Select(_ => (double)random.Next(50)).ToArray(),
            _ => Enumerable.Range(0, Count).Select(_ => random.NextDouble()).ToArray(),
        };
        return values;
    }

    private static int LowerRank(double[] sorted, double value)
    {
        var index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index > 0 && sorted[index - 1] == value)
        {
            index--;
        }

        return index;
    }

    private static int UpperRank(double[] sorted, double value)
    {
        var index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index < sorted.Length && sorted[index] == value)
        {
            index++;
        }

        return index;
    }
}
