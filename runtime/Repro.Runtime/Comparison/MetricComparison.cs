using Repro.Events;
using Repro.Wal;

namespace Repro.Comparison;

/// <summary>How one metric's scalar stream compares between two runs, value by value in log order.</summary>
/// <param name="Name">The metric.</param>
/// <param name="ValuesA">Values run A logged.</param>
/// <param name="ValuesB">Values run B logged.</param>
/// <param name="Compared">Values compared (the shorter stream's length).</param>
/// <param name="LastComparedStep">The step of the last value compared; null when none was.</param>
/// <param name="FirstDifferentStep">The first step where the streams differ (in value, in step, or one ends); null when bit-identical.</param>
/// <param name="Differing">Values that differ (in bits or in step) or that only one stream has.</param>
/// <param name="MaxAbsoluteDifference">The largest |a − b| among values at the same step (finite values only); 0 when none differ.</param>
/// <param name="MaxRelativeDifference">The largest |a − b| / max(|a|, |b|) among them.</param>
public sealed record MetricComparison(
    string Name, long ValuesA, long ValuesB, long Compared, long? LastComparedStep, long? FirstDifferentStep, long Differing,
    double MaxAbsoluteDifference, double MaxRelativeDifference)
{
    /// <summary>Whether both runs logged exactly the same values, bit for bit, at the same steps.</summary>
    public bool Identical => FirstDifferentStep is null;
}

/// <summary>
/// Compares the scalar streams of two runs: run A's values are held in columns (16 bytes a value), run B's are
/// streamed past them, so memory is bounded by one run's scalars.
/// </summary>
internal static class MetricComparer
{
    /// <summary>
    /// Compares every metric both logs have; metrics only one has are returned by name, and so are metrics either log
    /// holds only as downsampled buckets (<c>repro gc</c>), which cannot be compared value by value.
    /// </summary>
    public static (IReadOnlyList<MetricComparison> Both, IReadOnlyList<string> OnlyA, IReadOnlyList<string> OnlyB, IReadOnlyList<string> Downsampled) Compare(
        Func<Action<WalCorruption>, IEnumerable<LogRecord>> logA, Func<Action<WalCorruption>, IEnumerable<LogRecord>> logB, Action<string, WalCorruption>? onCorruption)
    {
        var readerA = new ScalarStreamReader();
        var columns = new List<ScalarColumn>();
        var downsampledA = new HashSet<string>(StringComparer.Ordinal);
        var downsampledB = new HashSet<string>(StringComparer.Ordinal);
        readerA.Read(logA(problem => onCorruption?.Invoke("a", problem)), (metric, step, value) =>
        {
            while (columns.Count <= metric)
            {
                columns.Add(new ScalarColumn());
            }

            columns[metric].Add(step, value);
        }, problem => onCorruption?.Invoke("a", problem), evt => NoteDownsampled(evt, downsampledA));
        while (columns.Count < readerA.Metrics.Count)
        {
            columns.Add(new ScalarColumn());
        }

        var indexA = readerA.Metrics.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var states = columns.Select(_ => new State()).ToArray();
        var readerB = new ScalarStreamReader();
        var toA = new List<int>();
        var countsOnlyB = new Dictionary<int, long>();
        readerB.Read(logB(problem => onCorruption?.Invoke("b", problem)), (metric, step, value) =>
        {
            while (toA.Count <= metric)
            {
                toA.Add(indexA.TryGetValue(readerB.Metrics[toA.Count], out var known) ? known : -1);
            }

            var target = toA[metric];
            if (target < 0)
            {
                return;
            }

            var state = states[target];
            var column = columns[target];
            var k = state.CountB++;
            if (k >= column.Count)
            {
                state.Differ(step); // B goes on where A ended
                return;
            }

            var stepA = column.StepAt(k);
            var valueA = column.ValueAt(k);
            state.LastComparedStep = Math.Max(stepA, step);
            if (stepA != step)
            {
                state.Differ(Math.Min(stepA, step));
                return;
            }

            if (BitConverter.DoubleToInt64Bits(valueA) == BitConverter.DoubleToInt64Bits(value))
            {
                return;
            }

            state.Differ(step);
            var integer = readerA.IsInteger[target];
            var a = integer ? BitConverter.DoubleToInt64Bits(valueA) : valueA;
            var b = integer ? BitConverter.DoubleToInt64Bits(value) : value;
            var absolute = Math.Abs(a - b);
            if (double.IsFinite(absolute))
            {
                state.MaxAbsolute = Math.Max(state.MaxAbsolute, absolute);
                var scale = Math.Max(Math.Abs(a), Math.Abs(b));
                state.MaxRelative = Math.Max(state.MaxRelative, scale == 0 ? 0 : absolute / scale);
            }
        }, problem => onCorruption?.Invoke("b", problem), evt => NoteDownsampled(evt, downsampledB));

        var downsampled = new HashSet<string>(downsampledA.Concat(downsampledB), StringComparer.Ordinal);
        var namesB = new HashSet<string>(readerB.Metrics, StringComparer.Ordinal);
        var both = new List<MetricComparison>();
        for (var i = 0; i < columns.Count; i++)
        {
            var name = readerA.Metrics[i];
            if (!namesB.Contains(name) || downsampled.Contains(name))
            {
                continue;
            }

            var state = states[i];
            var column = columns[i];
            if (state.CountB < column.Count)
            {
                state.Differ(column.StepAt(state.CountB), column.Count - state.CountB); // A goes on where B ended
            }

            var compared = Math.Min(column.Count, state.CountB);
            both.Add(new MetricComparison(name, column.Count, state.CountB, compared, compared == 0 ? null : state.LastComparedStep,
                state.FirstDifferentStep, state.Differing, state.MaxAbsolute, state.MaxRelative));
        }

        both.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        var onlyA = readerA.Metrics.Where(n => !namesB.Contains(n) && !downsampled.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var onlyB = readerB.Metrics.Where(n => !indexA.ContainsKey(n) && !downsampled.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var notCompared = downsampled.Order(StringComparer.Ordinal)
            .Select(n => $"{n} (downsampled in {(downsampledA.Contains(n) && downsampledB.Contains(n) ? "both" : downsampledA.Contains(n) ? "a" : "b")})").ToList();
        return (both, onlyA, onlyB, notCompared);
    }

    private static void NoteDownsampled(Event evt, HashSet<string> names)
    {
        if (evt.ValueCase == Event.ValueOneofCase.Aggregate && evt.Aggregate.Downsampled)
        {
            names.Add(evt.Name);
        }
    }

    /// <summary>What streaming run B past one metric of run A found so far.</summary>
    private sealed class State
    {
        public long CountB { get; set; }

        public long LastComparedStep { get; set; }

        public long? FirstDifferentStep { get; private set; }

        public long Differing { get; private set; }

        public double MaxAbsolute { get; set; }

        public double MaxRelative { get; set; }

        public void Differ(long step, long values = 1)
        {
            Differing += values;
            FirstDifferentStep ??= step;
        }
    }
}
