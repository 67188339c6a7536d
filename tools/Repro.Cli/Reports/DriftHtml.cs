using System.Globalization;
using System.Net;
using System.Text;
using Repro.Drift;
using Repro.Runs;
using Repro.Series;

namespace Repro.Cli.Reports;

/// <summary>
/// <c>repro drift --html</c>: one self-contained page (no script, no external resource) with, per feature, its PSI and
/// KS distance window by window drawn against their drift thresholds, and the table of every window. The same runs
/// give the same bytes.
/// </summary>
internal static class DriftHtml
{
    private const string PsiColour = "#1f77b4", KsColour = "#ff7f0e", ThresholdColour = "#b42318";

    public static string Render(DriftReport report, RunManifest training, RunManifest serving, Func<FeatureDrift, string> window)
    {
        var html = new StringBuilder();
        var title = $"Repro drift: {serving.Name} {serving.RunId} against {training.Name} {training.RunId}";
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(HtmlReport.Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n")
            .Append("<p class=\"verdict-line ").Append(report.Drifted ? "diverged" : "identical").Append("\">")
            .Append(E(report.Drifted ? "Drifted: " + string.Join(", ", report.Features.Where(f => f.Verdict == DriftVerdict.Drifted).Select(f => f.Feature).Distinct(StringComparer.Ordinal)) : "No drift"))
            .Append("</p>\n")
            .Append(Inv($"<p class=\"legend\">Thresholds: PSI {report.Thresholds.DriftedPsi:R} (moderate from {report.Thresholds.ModeratePsi:R}), KS {report.Thresholds.DriftedKs:R}; windows of {report.WindowSteps} step(s); at least {report.Thresholds.MinValues} values for a verdict.</p>\n"));
        foreach (var feature in report.Features.GroupBy(f => f.Feature, StringComparer.Ordinal))
        {
            var measured = feature.Where(f => !double.IsNaN(f.Psi)).ToList();
            html.Append("<section class=\"metric\" data-metric=\"").Append(E(feature.Key)).Append("\">\n<h3>").Append(E(feature.Key)).Append("</h3>\n<p class=\"legend\">")
                .Append("<span class=\"swatch\" style=\"background:").Append(PsiColour).Append("\"></span>PSI ")
                .Append("<span class=\"swatch\" style=\"background:").Append(KsColour).Append("\"></span>KS ")
                .Append("<span class=\"swatch\" style=\"background:").Append(ThresholdColour).Append("\"></span>PSI threshold</p>\n");
            if (measured.Count > 0)
            {
                var first = measured[0].FirstStep;
                var last = measured[^1].FirstStep;
                SvgChart.Write(html, feature.Key + " drift",
                [
                    (serving, Series("psi", measured.Select(f => new SeriesPoint(f.FirstStep, f.Psi))), PsiColour),
                    (serving, Series("ks", measured.Select(f => new SeriesPoint(f.FirstStep, f.Ks))), KsColour),
                    (serving, Series("psi threshold", [new SeriesPoint(first, report.Thresholds.DriftedPsi), new SeriesPoint(last, report.Thresholds.DriftedPsi)]), ThresholdColour),
                ]);
            }

            html.Append("<table>\n<thead><tr><th>Window</th><th>Values</th><th>PSI</th><th>KS</th><th>Verdict</th></tr></thead>\n<tbody>\n");
            foreach (var row in feature)
            {
                html.Append(row.Verdict == DriftVerdict.Drifted ? "<tr class=\"differs\">" : "<tr>")
                    .Append("<td>").Append(E(window(row))).Append("</td><td>").Append(row.ServingValues.ToString("N0", CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(Number(row.Psi)).Append("</td><td>").Append(Number(row.Ks))
                    .Append("</td><td>").Append(row.Verdict.ToString()).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n</section>\n");
        }

        foreach (var missing in report.NotCompared)
        {
            html.Append("<p class=\"legend\">Not compared: ").Append(E(missing)).Append("</p>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static MetricSeries Series(string name, IEnumerable<SeriesPoint> points)
    {
        var list = points.ToList();
        return new MetricSeries(name, list.Count, list, [], null);
    }

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
