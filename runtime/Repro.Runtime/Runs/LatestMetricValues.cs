using System.Runtime.CompilerServices;
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
    private Slot[] _slots = NewSlots(16);

    public void Record(int id, long step, double value)
    {
        var slots = _slots;
        if ((uint)id >= (uint)slots.Length)
        {
            slots = Grow(id);
        }

        ref var slot = ref slots[id];
        slot.Value = value;
        slot.Step = step;
    }

    /// <summary>The latest value (integers converted to double) and step of every metric that has one, by name.</summary>
    public MetricSnapshot Snapshot(MetricRegistry registry)
    {
        var slots = _slots;
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var steps = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var goals = new SortedDictionary<string, MetricGoal>(StringComparer.Ordinal);
        for (var id = 0; id < Math.Min(slots.Length, registry.Count); id++)
        {
            var slot = slots[id];
            if (slot.Step == Slot.Unseen)
            {
                continue;
            }

            var metric = registry.Get(id);
            values[metric.Name] = metric.IsInteger ? BitConverter.DoubleToInt64Bits(slot.Value) : slot.Value;
            steps[metric.Name] = slot.Step;
            goals[metric.Name] = metric.Options.Goal;
        }

        return new MetricSnapshot(values, steps, goals);
    }

    /// <summary>The largest step any metric was logged at; 0 before any.</summary>
    public long LatestStep()
    {
        var slots = _slots;
        long latest = 0;
        foreach (var slot in slots)
        {
            // Unseen is long.MinValue, below any latest.
            latest = Math.Max(latest, slot.Step);
        }

        return latest;
    }

    // Apart from Record, so that the path every value takes stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Slot[] Grow(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        lock (_gate)
        {
            var current = _slots;
            if (id < current.Length)
            {
                return current;
            }

            var grown = NewSlots((int)Math.Min(Array.MaxLength, Math.Max(current.Length * 2L, id + 1L)));
            current.CopyTo(grown, 0);
            Volatile.Write(ref _slots, grown);
            return grown;
        }
    }

    private static Slot[] NewSlots(int size)
    {
        var slots = new Slot[size];
        Array.Fill(slots, new Slot { Step = Slot.Unseen });
        return slots;
    }

    /// <summary>One metric's latest value and step, side by side so that recording them touches one cache line.</summary>
    private struct Slot
    {
        /// <summary>The step of a metric never logged: no real step is this small.</summary>
        public const long Unseen = long.MinValue;

        public double Value;
        public long Step;
    }
}
