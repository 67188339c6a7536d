namespace Repro.Aggregation;

/// <summary>
/// Count, min, max, mean and standard deviation in one pass with Welford's update on shifted data
/// (each value minus the first), which stays accurate where the textbook sum-of-squares formula
/// cancels catastrophically: large values with a small spread, such as 1e9 ± 1e-3. Subtracting a
/// nearby value is exact, so the running mean keeps the spread's digits. NaN values are counted and
/// otherwise left out.
/// </summary>
public sealed class RunningStatistics
{
    private double _shift;
    private double _mean; // of value - _shift
    private double _m2;

    /// <summary>Values added, NaN excluded.</summary>
    public ulong Count { get; private set; }

    /// <summary>NaN values added.</summary>
    public ulong NaNCount { get; private set; }

    /// <summary>Smallest value; +∞ before the first.</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest value; −∞ before the first.</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>Arithmetic mean; NaN before the first value.</summary>
    public double Mean => Count == 0 ? double.NaN : _shift + _mean;

    /// <summary>Population standard deviation; NaN before the first value.</summary>
    public double StandardDeviation => Count == 0 ? double.NaN : Math.Sqrt(_m2 / Count);

    /// <summary>Adds one value.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            NaNCount++;
            return;
        }

        if (Count == 0)
        {
            _shift = double.IsFinite(value) ? value : 0;
        }

        Count++;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        var shifted = value - _shift;
        var delta = shifted - _mean;
        _mean += delta / Count;
        _m2 += delta * (shifted - _mean);
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        Count = 0;
        NaNCount = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
        _shift = 0;
        _mean = 0;
        _m2 = 0;
    }
}
