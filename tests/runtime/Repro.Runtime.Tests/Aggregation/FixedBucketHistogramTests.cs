using Repro.Aggregation;

namespace Repro.Runtime.Tests.Aggregation;

public class FixedBucketHistogramTests
{
    [Fact]
    public void Values_land_in_half_open_buckets_with_underflow_and_overflow()
    {
        var histogram = new FixedBucketHistogram([0.0, 1.0, 10.0]);
        foreach (var value in new[] { -5, 0, 0.5, 1, 9.99, 10, 1e300, double.NegativeInfinity, double.PositiveInfinity, double.NaN })
        {
            histogram.Add(value);
        }

        // (-inf,0) [0,1) [1,10) [10,+inf)
        Assert.Equal([2ul, 2, 2, 3], histogram.Counts);
        Assert.Equal(1ul, histogram.NaNCount);
    }

    [Theory]
    [InlineData(new double[] { })]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { 0.0, double.PositiveInfinity })]
    public void Bad_bounds_are_refused(double[] bounds) =>
        Assert.Throws<ArgumentException>(() => new FixedBucketHistogram(bounds));
}
