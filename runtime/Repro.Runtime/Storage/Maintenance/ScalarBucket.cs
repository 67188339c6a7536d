using Repro.Events;

namespace Repro.Storage.Maintenance;

/// <summary>
/// One metric's raw values within a downsampled stretch of a log, summarised as the <see cref="Aggregate"/> that
/// replaces them: count, min and max with their steps (so a spike and where it happened survive), mean and
/// standard deviation (Welford), the last value, the first and last step, and NaNs counted apart.
/// </summary>
internal sealed class ScalarBucket : IStretchBucket
{
    private readonly int _capacity;
    private long _count;
    private double _mean;
    private double _sumOfSquares;

    /// <param name="first">The bucket's first raw scalar.</param>
    /// <param name="capacity">The most raw values it summarises.</param>
    public ScalarBucket(Event first, int capacity)
    {
        _capacity = capacity;
        First = first;
        Last = first;
        Add(first, isFirst: true);
    }

    /// <summary>The first raw scalar of the bucket (its metric, tags and step).</summary>
    public Event First { get; }

    /// <summary>The last raw scalar added.</summary>
    public Event Last { get; private set; }

    private double Min { get; set; } = double.PositiveInfinity;

    private double Max { get; set; } = double.NegativeInfinity;

    private long MinStep { get; set; }

    private long MaxStep { get; set; }

    private ulong NanCount { get; set; }

    /// <summary>Raw values in the bucket, NaNs included.</summary>
    public long Values => _count + (long)NanCount;

    public void Add(Event scalar) => Add(scalar, isFirst: false);

    public bool IsFullFor(Event next) => Values >= _capacity;

    public Event ToEvent()
    {
        var evt = new Event { TimestampUnixNanos = Last.TimestampUnixNanos, Step = Last.Step, Name = First.Name, Aggregate = ToAggregate() };
        evt.Tags.Add(First.Tags);
        return evt;
    }

    /// <summary>The summary that replaces the bucket's raw values.</summary>
    public Aggregate ToAggregate() => new()
    {
        Count = (ulong)_count,
        Min = _count > 0 ? Min : double.NaN,
        Max = _count > 0 ? Max : double.NaN,
        Mean = _count > 0 ? _mean : double.NaN,
        StdDev = _count > 0 ? Math.Sqrt(_sumOfSquares / _count) : double.NaN,
        FirstStep = First.Step,
        LastStep = Last.Step,
        NanCount = NanCount,
        MinStep = MinStep,
        MaxStep = MaxStep,
        Last = ValueOf(Last),
        Downsampled = true,
    };

    private void Add(Event scalar, bool isFirst)
    {
        if (!isFirst)
        {
            Last = scalar;
        }

        var value = ValueOf(scalar);
        if (double.IsNaN(value))
        {
            NanCount++;
            return;
        }

        _count++;
        var delta = value - _mean;
        _mean += delta / _count;
        _sumOfSquares += delta * (value - _mean);
        // Strict comparisons: on ties the first step where the extreme was reached is kept.
        if (value < Min)
        {
            Min = value;
            MinStep = scalar.Step;
        }

        if (value > Max)
        {
            Max = value;
            MaxStep = scalar.Step;
        }
    }

    private static double ValueOf(Event scalar) => scalar.Scalar.HasIntValue ? scalar.Scalar.IntValue : scalar.Scalar.Value;
}
