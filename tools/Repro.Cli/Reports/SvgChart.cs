using System.Globalization;
using System.Net;
using System.Text;
using Repro.Runs;
using Repro.Series;

namespace Repro.Cli.Reports;

/// <summary>
/// One metric as an inline SVG chart: a line per run (its values, at most two per pixel column), its summaries as a
/// band, the best value of a metric with a goal marked, axes with labelled ticks. Coordinates are written in
/// invariant culture with one decimal, so the same runs give the same bytes.
/// </summary>
internal static class SvgChart
{
    public const int Columns = 820;
    private const int Width = 900, Height = 320, Left = 70, Right = 10, Top = 16, Bottom = 46;

    public static void Write(StringBuilder html, string metric, IReadOnlyList<(RunManifest Run, MetricSeries? Series, string Colour)> lines)
    {
        var xs = lines.Where(l => l.Series is not null).SelectMany(l => l.Series!.Points.Select(p => (double)p.Step).Concat(l.Series.Band.Select(b => (double)b.Step))).ToList();
        var ys = lines.Where(l => l.Series is not null).SelectMany(l => l.Series!.Points.Select(p => p.Value).Concat(l.Series.Band.SelectMany(b => new[] { b.Low, b.High })))
            .Concat(lines.Where(l => l.Run.Best.ContainsKey(metric)).Select(l => l.Run.Best[metric].Value))
            .Where(double.IsFinite).ToList();
        if (xs.Count == 0 || ys.Count == 0)
        {
            html.Append("<p class=\"empty\">No finite values to draw.</p>\n");
            return;
        }

        var (x0, x1) = Widen(xs.Min(), xs.Max());
        var (y0, y1) = Widen(ys.Min(), ys.Max());
        var pad = (y1 - y0) * 0.05;
        (y0, y1) = (y0 - pad, y1 + pad);
        double X(double step) => Left + ((step - x0) / (x1 - x0) * (Width - Left - Right));
        double Y(double value) => Top + ((y1 - value) / (y1 - y0) * (Height - Top - Bottom));

        html.Append(Inv($"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" aria-label=\"{Encode(metric)} by step\">\n"));
        html.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" class=\"plot\"/>\n"));
        foreach (var tick in Ticks(y0, y1))
        {
            html.Append(Inv($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(tick))}\" y2=\"{F(Y(tick))}\"/><text class=\"tick\" x=\"{Left - 6}\" y=\"{F(Y(tick) + 4)}\" text-anchor=\"end\">{Label(tick)}</text>\n"));
        }

        foreach (var tick in Ticks(x0, x1))
        {
            html.Append(Inv($"<line class=\"grid\" y1=\"{Top}\" y2=\"{Height - Bottom}\" x1=\"{F(X(tick))}\" x2=\"{F(X(tick))}\"/><text class=\"tick\" y=\"{Height - Bottom + 16}\" x=\"{F(X(tick))}\" text-anchor=\"middle\">{Label(tick)}</text>\n"));
        }

        html.Append(Inv($"<text class=\"axis-label\" x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">step</text>\n"));
        html.Append(Inv($"<text class=\"axis-label\" transform=\"translate(16 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Encode(metric)}</text>\n"));
        foreach (var (run, series, colour) in lines)
        {
            if (series is null)
            {
                continue;
            }

            if (series.Band.Count > 0)
            {
                var upper = series.Band.Where(b => double.IsFinite(b.High) && double.IsFinite(b.Low)).Select(b => $"{F(X(b.Step))},{F(Y(b.High))}");
                var lower = series.Band.Where(b => double.IsFinite(b.High) && double.IsFinite(b.Low)).Reverse().Select(b => $"{F(X(b.Step))},{F(Y(b.Low))}");
                html.Append(Inv($"<polygon class=\"band\" data-run=\"{run.RunId}\" fill=\"{colour}\" points=\"{string.Join(' ', upper.Concat(lower))}\"><title>{Encode(series.BandKind ?? string.Empty)}</title></polygon>\n"));
                html.Append(Inv($"<polyline class=\"band-middle\" data-run=\"{run.RunId}\" stroke=\"{colour}\" points=\"{Points(series.Band.Select(b => new SeriesPoint(b.Step, b.Middle)), X, Y)}\"/>\n"));
            }

            if (series.Points.Count > 0)
            {
                html.Append(Inv($"<polyline class=\"series\" data-run=\"{run.RunId}\" stroke=\"{colour}\" points=\"{Points(series.Points, X, Y)}\"><title>{Encode(run.Name)} {run.RunId}</title></polyline>\n"));
            }
        }

        foreach (var (run, _, colour) in lines)
        {
            if (run.Best.TryGetValue(metric, out var best) && double.IsFinite(best.Value))
            {
                html.Append(Inv($"<circle class=\"best\" data-run=\"{run.RunId}\" cx=\"{F(X(best.Step))}\" cy=\"{F(Y(best.Value))}\" r=\"5\" stroke=\"{colour}\"><title>best ({best.Goal}): {best.Value.ToString("G6", CultureInfo.InvariantCulture)} at step {best.Step.ToString(CultureInfo.InvariantCulture)}</title></circle>\n"));
            }
        }

        html.Append("</svg>\n");
    }

    private static string Points(IEnumerable<SeriesPoint> points, Func<double, double> x, Func<double, double> y) =>
        string.Join(' ', points.Where(p => double.IsFinite(p.Value)).Select(p => $"{F(x(p.Step))},{F(y(p.Value))}"));

    private static (double, double) Widen(double low, double high) =>
        high > low ? (low, high) : (low - Math.Max(1, Math.Abs(low) * 0.1), high + Math.Max(1, Math.Abs(high) * 0.1));

    /// <summary>About five ticks at 1, 2 or 5 times a power of ten.</summary>
    private static IEnumerable<double> Ticks(double low, double high)
    {
        var rough = (high - low) / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= rough);
        for (var tick = Math.Ceiling(low / step) * step; tick <= high + (step * 1e-9); tick += step)
        {
            yield return Math.Abs(tick) < step * 1e-9 ? 0 : tick;
        }
    }

    private static string Label(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
