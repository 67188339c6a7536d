using Repro.Pipeline;

namespace Repro.Runs;

/// <summary>The latest value, step and goal of each metric, by name, at one moment.</summary>
internal sealed record MetricSnapshot(
    SortedDictionary<string, double> Values, SortedDictionary<string, long> Steps, SortedDictionary<string, MetricGoal> Goals);

/// <summary>
/// The latest value and step of every metric a run logged, kept by the producers (two plain stores per value, no
/// lock, no allocation) so an artifact's provenance can name the metrics as they stood when it was logged. A store
/// racing a resize may be lost; the next value of that metric restores it.
/// </summary>
internal sealed class LatestMetricValues
{
    private readonly Lock _gate = new();
    private Slots _slots = new(16);

    public void Record(int id, long step, double value)
    {
        var slots = _slots;
        if ((uint)id >= (uint)slots.Values.Length)
        {
            slots = Grow(id);
        }

        slots.Values[id] = value;
        slots.Steps[id] = step;
    }

    /// <summary>The latest value (integers converted to double) and step of every metric that has one, by name.</summary>
    public MetricSnapshot Snapshot(MetricRegistry registry)
    {
        var slots = _slots;
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var steps = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var goals = new SortedDictionary<string, MetricGoal>(StringComparer.Ordinal);
        for (var id = 0; id < Math.Min(slots.Values.Length, registry.Count); id++)
        {
            if (slots.Steps[id] == Slots.Unseen)
            {
                continue;
            }

            var metric = registry.Get(id);
            var raw = slots.Values[id];
            values[metric.Name] = metric.IsInteger ? BitConverter.DoubleToInt64Bits(raw) : raw;
            steps[metric.Name] = slots.Steps[id];
            goals[metric.Name] = metric.Options.Goal;
        }

        return new MetricSnapshot(values, steps, goals);
    }

    /// <summary>The largest step any metric was logged at; 0 before any.</summary>
    public long LatestStep()
    {
        var slots = _slots;
        long latest = 0;
        for (var id = 0; id < slots.Values.Length; id++)
        {
            if (slots.Steps[id] != Slots.Unseen && slots.Steps[id] > latest)
            {
                latest = slots.Steps[id];
            }
        }

        return latest;
    }

    private Slots Grow(int id)
    {
        lock (_gate)
        {
            var current = _slots;
            if (id < current.Values.Length)
            {
                return current;
            }

            var grown = new Slots(Math.Max(current.Values.Length * 2, id + 1));
            current.Values.CopyTo(grown.Values, 0);
            current.Steps.CopyTo(grown.Steps, 0);
            Volatile.Write(ref _slots, grown);
            return grown;
        }
    }

    private sealed class Slots
    {
        /// <summary>The step of a metric never logged: no real step is this small.</summary>
        public const long Unseen = long.MinValue;

        public Slots(int size)
        {
            Values = new double[size];
            Steps = new long[size];
            Array.Fill(Steps, Unseen);
        }

        public double[] Values { get; }

        public long[] Steps { get; }
    }
}
