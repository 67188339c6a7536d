using Repro.Aggregation;

namespace Repro.Runtime.Tests.Aggregation;

public class RunningStatisticsTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1e9, 1e-3)]     // a large value with a tiny spread: sum-of-squares formulas lose every digit here
    [InlineData(-5e6, 250.0)]
    public void Results_match_an_exact_two_pass_computation(double offset, double spread)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 50_000).Select(_ => offset + (spread * ((random.NextDouble() * 2) - 1))).ToArray();
        var statistics = new RunningStatistics();
        foreach (var value in values)
        {
            statistics.Add(value);
        }

        // Reference: two passes over the values shifted by the first one. For values this close the
        // subtraction is exact (Sterbenz), so no digit of the spread is lost. (decimal would not do:
        // converting a double to decimal keeps only about 15 significant digits.)
        var shifted = values.Select(v => v - values[0]).ToArray();
        var shiftedMean = shifted.Average();
        var exactMean = values[0] + shiftedMean;
        var exactStd = Math.Sqrt(shifted.Select(d => (d - shiftedMean) * (d - shiftedMean)).Average());

        Assert.Equal(50_000ul, statistics.Count);
        Assert.Equal(values.Min(), statistics.Min);
        Assert.Equal(values.Max(), statistics.Max);
        Assert.Equal(exactMean, statistics.Mean, tolerance: (Math.Abs(offset) + spread) * 1e-12);
        Assert.Equal(exactStd, statistics.StandardDeviation, tolerance: exactStd * 1e-9);

        // What the one-pass textbook formula would have said: useless once the offset dwarfs the spread.
        var naive = Math.Sqrt(Math.Max(0, (values.Sum(v => v * v) / values.Length) - Math.Pow(values.Average(), 2)));
        if (offset >= 1e9)
        {
            Assert.True(Math.Abs(naive - exactStd) > exactStd, $"naive {naive} vs exact {exactStd}");
        }
    }

    [Fact]
    public void NaN_is_counted_apart_and_does_not_poison_the_rest()
    {
        var statistics = new RunningStatistics();
        foreach (var value in new[] { 1.0, double.NaN, 3.0, double.NaN })
        {
            statistics.Add(value);
        }

        Assert.Equal((2ul, 2ul, 1.0, 3.0, 2.0, 1.0), (statistics.Count, statistics.NaNCount, statistics.Min, statistics.Max, statistics.Mean, statistics.StandardDeviation));
    }

    [Fact]
    public void An_empty_summary_says_so_and_reset_starts_over()
    {
        var statistics = new RunningStatistics();
        Assert.True(double.IsNaN(statistics.Mean));
        statistics.Add(5);
        statistics.Reset();
        statistics.Add(7);

        Assert.Equal((1ul, 7.0, 7.0, 0.0), (statistics.Count, statistics.Min, statistics.Mean, statistics.StandardDeviation));
    }
}
