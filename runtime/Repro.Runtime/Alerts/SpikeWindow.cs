namespace Repro.Alerts;

/// <summary>
/// The trailing window of a spike rule: its last values in a ring, and the median and median absolute deviation,
/// recomputed by selection (linear time, no sort) once a quarter of the window is new, and at most once per writer
/// pass: a pass compares its values against the window as it stood when the pass began, and a busy writer spends a
/// few operations a value whatever the window's size.
/// </summary>
internal sealed class SpikeWindow(int size)
{
    /// <summary>1.4826 × MAD estimates the standard deviation of normally distributed values, and outliers barely move it.</summary>
    private const double MadToSigma = 1.4826;

    private readonly double[] _values = new double[size];
    private readonly double[] _scratch = new double[size];
    private readonly int _refreshEvery = Math.Max(1, size / 4);
    private int _count;
    private int _next;
    private int _sinceRefresh;
    private bool _refreshedThisPass;
    private double _median = double.NaN;
    private double _sigma = double.NaN;

    /// <summary>
    /// How far <paramref name="value"/> lies from the window's median, in robust standard deviations, before adding
    /// it; NaN while the window is less than half full. A window of identical values has no spread: any other value
    /// is then infinitely far.
    /// </summary>
    public double DistanceThenAdd(double value, out double bound, double sigmas)
    {
        if (_count >= _values.Length / 2 && (double.IsNaN(_median) || (_sinceRefresh >= _refreshEvery && !_refreshedThisPass)))
        {
            Refresh();
        }

        var distance = double.NaN;
        bound = double.NaN;
        if (_count >= _values.Length / 2 && !double.IsNaN(_median))
        {
            var deviation = Math.Abs(value - _median);
            distance = _sigma > 0 ? deviation / _sigma : deviation > 0 ? double.PositiveInfinity : 0;
            bound = _median + (Math.Sign(value - _median) * sigmas * _sigma);
        }

        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
        _sinceRefresh++;
        return distance;
    }

    /// <summary>A new writer pass: the statistics may be recomputed once more.</summary>
    public void BeginPass() => _refreshedThisPass = false;

    private void Refresh()
    {
        _sinceRefresh = 0;
        _refreshedThisPass = true;
        if (_count == 0)
        {
            return;
        }

        var window = _scratch.AsSpan(0, _count);
        _values.AsSpan(0, _count).CopyTo(window);
        _median = Median(window);
        for (var i = 0; i < window.Length; i++)
        {
            window[i] = Math.Abs(window[i] - _median);
        }

        _sigma = MadToSigma * Median(window);
    }

    /// <summary>The median, by selection: the values are reordered, not sorted.</summary>
    internal static double Median(Span<double> values)
    {
        var upper = values.Length / 2;
        var high = Select(values, upper);
        if (values.Length % 2 == 1)
        {
            return high;
        }

        // After selection everything left of the upper median is at most it: the lower median is their largest.
        var low = double.NegativeInfinity;
        foreach (var value in values[..upper])
        {
            low = Math.Max(low, value);
        }

        return (low + high) / 2;
    }

    /// <summary>Hoare's selection: puts the k-th smallest value at index k, smaller ones before it, larger after.</summary>
    private static double Select(Span<double> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            // Median of three as the pivot: sorted or constant windows stay linear.
            var middle = left + ((right - left) / 2);
            var pivot = MedianOfThree(values[left], values[middle], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static double MedianOfThree(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
