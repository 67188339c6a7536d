using Repro.Alerts;

namespace Repro.Runtime.Tests.Alerts;

/// <summary>The spike rule's window: its median by selection equals a sorted median, and its distances are in robust standard deviations.</summary>
public sealed class SpikeWindowTests
{
    [Fact]
    public void The_median_by_selection_equals_the_median_of_the_sorted_values_for_random_windows_with_ties()
    {
        const int seed = 20261206;
        var random = new Random(seed);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var values = Enumerable.Range(0, random.Next(1, 300)).Select(_ => trial % 3 == 0 ? random.Next(0, 5) : random.NextDouble() * 100 - 50).ToArray();
            var sorted = values.Order().ToArray();
            var expected = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

            Assert.True(expected == SpikeWindow.Median(values.AsSpan()), $"seed {seed}, trial {trial}, {values.Length} values");
        }
    }

    [Fact]
    public void Distances_are_in_robust_standard_deviations_from_the_median_once_the_window_is_half_full()
    {
        var window = new SpikeWindow(20);
        for (var i = 0; i < 20; i++)
        {
            // Nine and eleven in turn: median 10, median absolute deviation 1, one robust sd 1.4826.
            window.BeginPass(); // a pass a value, as when values come slowly
            var distance = window.DistanceThenAdd(i % 2 == 0 ? 9 : 11, out _, 3);
            Assert.True(i < 10 ? double.IsNaN(distance) : !double.IsNaN(distance), $"value {i}");
        }

        window.BeginPass();
        var far = window.DistanceThenAdd(10 + (7 * 1.4826), out var bound, 6);
        Assert.Equal(7, far, 9);
        Assert.Equal(10 + (6 * 1.4826), bound, 6);
        window.BeginPass();
        Assert.InRange(window.DistanceThenAdd(10 - 1.4826, out _, 6), 0.5, 2.5); // within a couple of sd, however fresh the statistics
    }
}
