using Repro.Aggregation;
using Repro.Comparison;
using Repro.Events;
using Repro.Storage;
using Repro.Wal;

namespace Repro.Series;

/// <summary>
/// Reads a run's metrics for charts: every scalar from the log's columns, reduced per pixel column to its minimum
/// and maximum (extremes survive: a spike in ten million values is still drawn), and the interval summaries as bands.
/// </summary>
public static class MetricSeriesReader
{
    /// <summary>Reads run <paramref name="runId"/>'s metrics, by name in ordinal order.</summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="runId">The run.</param>
    /// <param name="columns">Pixel columns per chart: at most two points are kept per column.</param>
    /// <param name="onCorruption">Called for each damaged stretch of the log (left out).</param>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public static IReadOnlyList<MetricSeries> Read(IRunReader store, string runId, int columns = 1000, Action<WalCorruption>? onCorruption = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var manifest = store.GetRun(runId);
        var reader = new ScalarStreamReader();
        var values = new List<ScalarColumn>();
        var bands = new Dictionary<string, (List<BandPoint> Points, string Kind)>(StringComparer.Ordinal);
        reader.Read(store.ReadRecords(manifest.RunId, problem => onCorruption?.Invoke(problem)), (metric, step, value) =>
        {
            while (values.Count <= metric)
            {
                values.Add(new ScalarColumn());
            }

            values[metric].Add(step, reader.IsInteger[metric] ? BitConverter.DoubleToInt64Bits(value) : value);
        }, onCorruption, evt => AddBand(bands, evt));

        var series = new List<MetricSeries>();
        for (var i = 0; i < reader.Metrics.Count; i++)
        {
            var name = reader.Metrics[i];
            var column = i < values.Count ? values[i] : new ScalarColumn();
            bands.TryGetValue(name, out var band);
            if (column.Count > 0 || band.Points is { Count: > 0 })
            {
                series.Add(new MetricSeries(name, column.Count, Downsample(column, columns), ReduceBand(band.Points ?? [], columns), band.Kind));
            }
        }

        foreach (var (name, band) in bands.Where(b => !reader.Metrics.Contains(b.Key)))
        {
            series.Add(new MetricSeries(name, 0, [], ReduceBand(band.Points, columns), band.Kind));
        }

        series.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return series;
    }

    /// <summary>
    /// At most one band point per column (by position) once there are more than <paramref name="columns"/>: the
    /// column's lowest low and highest high (so a spike a summary kept is still drawn), the mean of its middles, and
    /// its last step. A downsampled run holds a summary for every hundred values, far more than a chart has columns.
    /// </summary>
    internal static IReadOnlyList<BandPoint> ReduceBand(List<BandPoint> band, int columns)
    {
        if (band.Count <= columns)
        {
            return band;
        }

        var reduced = new List<BandPoint>(columns);
        for (var c = 0; c < columns; c++)
        {
            var first = (int)((long)band.Count * c / columns);
            var end = (int)((long)band.Count * (c + 1) / columns);
            double low = double.NaN, high = double.NaN, middles = 0;
            var counted = 0;
            for (var i = first; i < end; i++)
            {
                var point = band[i];
                low = double.IsNaN(low) || point.Low < low ? point.Low : low;
                high = double.IsNaN(high) || point.High > high ? point.High : high;
                if (!double.IsNaN(point.Middle))
                {
                    middles += point.Middle;
                    counted++;
                }
            }

            reduced.Add(new BandPoint(band[end - 1].Step, low, counted > 0 ? middles / counted : double.NaN, high));
        }

        return reduced;
    }

    /// <summary>At most two points per column of values (by position): each column's minimum and maximum, in log order.</summary>
    internal static List<SeriesPoint> Downsample(ScalarColumn column, int columns)
    {
        var count = column.Count;
        var points = new List<SeriesPoint>((int)Math.Min(count, 2L * columns));
        if (count <= 2L * columns)
        {
            for (long i = 0; i < count; i++)
            {
                points.Add(new SeriesPoint(column.StepAt(i), column.ValueAt(i)));
            }

            return points;
        }

        for (var c = 0; c < columns; c++)
        {
            var first = count * c / columns;
            var end = count * (c + 1) / columns;
            long low = -1, high = -1;
            for (var i = first; i < end; i++)
            {
                var value = column.ValueAt(i);
                if (double.IsNaN(value))
                {
                    continue;
                }

                if (low < 0 || value < column.ValueAt(low))
                {
                    low = i;
                }

                if (high < 0 || value > column.ValueAt(high))
                {
                    high = i;
                }
            }

            if (low < 0)
            {
                continue; // only NaN here: nothing to draw
            }

            foreach (var i in low == high ? [low] : low < high ? new[] { low, high } : [high, low])
            {
                points.Add(new SeriesPoint(column.StepAt(i), column.ValueAt(i)));
            }
        }

        return points;
    }

    private static void AddBand(Dictionary<string, (List<BandPoint> Points, string Kind)> bands, Event evt)
    {
        BandPoint? point = evt.ValueCase switch
        {
            Event.ValueOneofCase.Aggregate when evt.Aggregate.Count > 0 => new BandPoint(evt.Aggregate.LastStep, evt.Aggregate.Min, evt.Aggregate.Mean, evt.Aggregate.Max),
            Event.ValueOneofCase.Histogram => FromHistogram(evt.Histogram),
            Event.ValueOneofCase.Sketch when evt.Sketch.Means.Count > 0 => FromSketch(evt.Sketch),
            _ => null,
        };
        if (point is not { } band)
        {
            return;
        }

        var kind = evt.ValueCase switch
        {
            Event.ValueOneofCase.Aggregate when evt.Aggregate.Downsampled => "downsampled: min–max, mean",
            Event.ValueOneofCase.Aggregate => "min–max, mean",
            Event.ValueOneofCase.Histogram when evt.Histogram.Merged > 0 => "downsampled: p10–p90, median",
            Event.ValueOneofCase.Sketch when evt.Sketch.Merged > 0 => "downsampled: p10–p90, median",
            _ => "p10–p90, median",
        };
        if (!bands.TryGetValue(evt.Name, out var entry))
        {
            entry = ([], kind);
            bands[evt.Name] = entry;
        }

        entry.Points.Add(band);
    }

    private static BandPoint? FromSketch(Events.TDigest sketch)
    {
        var digest = Aggregation.SketchEvents.ToDigest(sketch);
        return new BandPoint(sketch.LastStep, digest.Quantile(0.1), digest.Quantile(0.5), digest.Quantile(0.9));
    }

    /// <summary>Quantiles of a fixed-bucket histogram, linear within a bucket; the open-ended buckets stop at the nearest bound.</summary>
    private static BandPoint? FromHistogram(Histogram histogram)
    {
        var total = histogram.Counts.Aggregate(0UL, (sum, count) => sum + count);
        if (total == 0 || histogram.Bounds.Count == 0)
        {
            return null;
        }

        double Quantile(double q)
        {
            var target = q * total;
            double seen = 0;
            for (var i = 0; i < histogram.Counts.Count; i++)
            {
                var count = histogram.Counts[i];
                if (count > 0 && seen + count >= target)
                {
                    var lower = i == 0 ? histogram.Bounds[0] : histogram.Bounds[i - 1];
                    var upper = i < histogram.Bounds.Count ? histogram.Bounds[i] : histogram.Bounds[^1];
                    return lower + ((upper - lower) * ((target - seen) / count));
                }

                seen += count;
            }

            return histogram.Bounds[^1];
        }

        return new BandPoint(histogram.LastStep, Quantile(0.1), Quantile(0.5), Quantile(0.9));
    }
}
