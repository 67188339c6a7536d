namespace Repro.Series;

/// <summary>One point of a chart: a step and a value.</summary>
/// <param name="Step">The step.</param>
/// <param name="Value">The value.</param>
public readonly record struct SeriesPoint(long Step, double Value);

/// <summary>One step of a band: its lower edge, middle line and upper edge.</summary>
/// <param name="Step">The step (an interval's last step).</param>
/// <param name="Low">Lower edge (minimum, or 10th percentile).</param>
/// <param name="Middle">Middle line (mean, or median).</param>
/// <param name="High">Upper edge (maximum, or 90th percentile).</param>
public readonly record struct BandPoint(long Step, double Low, double Middle, double High);

/// <summary>
/// A metric of one run, ready to chart: its values reduced to at most two points per pixel column (the column's
/// minimum and maximum, so no spike is lost), and its interval summaries as a band.
/// </summary>
/// <param name="Name">The metric.</param>
/// <param name="Count">Values the run logged.</param>
/// <param name="Points">The values kept, in log order.</param>
/// <param name="Band">The summaries as a band, in log order; empty when the metric has none.</param>
/// <param name="BandKind">What the band shows: "min–max, mean" (statistics) or "p10–p90, median" (histograms and sketches).</param>
public sealed record MetricSeries(string Name, long Count, IReadOnlyList<SeriesPoint> Points, IReadOnlyList<BandPoint> Band, string? BandKind)
{
    /// <summary>Whether the points are fewer than the values (the chart is downsampled).</summary>
    public bool Downsampled => Points.Count < Count;
}
