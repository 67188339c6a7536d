using System.Globalization;
using System.Net;
using System.Text;
using Repro.Comparison;
using Repro.Runs;
using Repro.Series;

namespace Repro.Cli.Reports;

/// <summary>
/// One self-contained HTML page for one or more runs: who they are, how the later ones compare with the first (the
/// verdict of <c>repro diff</c> and its reasons), a chart per metric, and the configuration, provenance and
/// difference tables. No script, no font, no stylesheet from anywhere else: it opens offline, years later.
/// </summary>
internal static class HtmlReport
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

    public static string Render(IReadOnlyList<(RunManifest Run, IReadOnlyList<MetricSeries> Metrics)> runs, IReadOnlyList<RunDiff> diffs)
    {
        var html = new StringBuilder();
        var title = runs.Count == 1 ? $"Repro report: {runs[0].Run.Name} {runs[0].Run.RunId}" : $"Repro report: {runs.Count} runs";
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n");
        RunsTable(html, runs.Select(r => r.Run).ToList());
        foreach (var diff in diffs)
        {
            html.Append("<section class=\"verdict\"><h2>").Append(E($"{diff.B.RunId} against {diff.A.RunId}")).Append("</h2>\n")
                .Append("<p class=\"verdict-line ").Append(diff.Identical ? "identical" : "diverged").Append("\">").Append(E(diff.Verdict)).Append("</p>\n");
            if (diff.Explanations.Count > 0)
            {
                html.Append("<ul class=\"reasons\">\n");
                foreach (var reason in diff.Explanations)
                {
                    html.Append("<li>").Append(E(reason)).Append("</li>\n");
                }

                html.Append("</ul>\n");
            }

            html.Append("</section>\n");
        }

        html.Append("<h2>Metrics</h2>\n");
        foreach (var metric in runs.SelectMany(r => r.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var lines = runs.Select((r, i) => (r.Run, r.Metrics.FirstOrDefault(m => m.Name == metric), Palette[i % Palette.Length])).ToList();
            html.Append("<section class=\"metric\" data-metric=\"").Append(E(metric)).Append("\">\n<h3>").Append(E(metric)).Append("</h3>\n<p class=\"legend\">");
            foreach (var (run, series, colour) in lines.Where(l => l.Item2 is not null))
            {
                html.Append("<span class=\"swatch\" style=\"background:").Append(colour).Append("\"></span>").Append(E($"{run.Name} {run.RunId[..10]}"))
                    .Append(Inv($" ({series!.Count} values{(series.Downsampled ? ", drawn as min and max per pixel column" : string.Empty)}{(series.BandKind is { } kind ? $"; band: {kind}" : string.Empty)})"));
                if (run.Best.TryGetValue(metric, out var best))
                {
                    html.Append(Inv($", best {best.Value.ToString("G6", CultureInfo.InvariantCulture)} at step {best.Step}"));
                }

                html.Append(' ');
            }

            html.Append("</p>\n");
            SvgChart.Write(html, metric, lines);
            html.Append("</section>\n");
        }

        Tables.Configuration(html, runs.Select(r => r.Run).ToList());
        Tables.Provenance(html, runs.Select(r => r.Run).ToList());
        foreach (var diff in diffs)
        {
            Tables.Differences(html, diff);
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The colour of the run at <paramref name="index"/> in every chart.</summary>
    public static string Colour(int index) => Palette[index % Palette.Length];

    private static void RunsTable(StringBuilder html, List<RunManifest> runs)
    {
        html.Append("<table class=\"runs\">\n<thead><tr><th></th><th>Run</th><th>Name</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Commit</th><th>Tags</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            html.Append("<tr><td><span class=\"swatch\" style=\"background:").Append(Colour(i)).Append("\"></span></td><td class=\"mono\">").Append(run.RunId)
                .Append("</td><td>").Append(E(run.Name)).Append("</td><td>").Append(run.Status.ToString().ToLowerInvariant())
                .Append("</td><td>").Append(run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(run.EndedAt is { } ended ? (ended - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-")
                .Append("</td><td class=\"mono\">").Append(E((run.Build.Commit ?? "-") + (run.Build.Dirty == true ? " (dirty)" : string.Empty)))
                .Append("</td><td>").Append(E(string.Join(", ", run.Tags.Select(t => $"{t.Key}={t.Value}")))).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }
        h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; } h3 { font-size: 15px; margin: 18px 0 4px; }
        table { border-collapse: collapse; margin: 8px 0; display: block; overflow-x: auto; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; } .mono { font-family: ui-monospace, monospace; font-size: 12px; }
        tr.differs td { background: #fff4e5; }
        .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 8px; border-radius: 2px; vertical-align: middle; }
        .legend { margin: 0 0 4px; font-size: 12px; color: #555; }
        .verdict-line { font-weight: 600; font-size: 16px; } .verdict-line.identical { color: #1a7f37; } .verdict-line.diverged { color: #b42318; }
        svg.chart .plot { fill: #fff; stroke: #ccc; } svg.chart .grid { stroke: #eee; }
        svg.chart .tick { font-size: 11px; fill: #555; } svg.chart .axis-label { font-size: 12px; fill: #333; }
        svg.chart .series { fill: none; stroke-width: 1.5; } svg.chart .band { opacity: 0.18; stroke: none; }
        svg.chart .band-middle { fill: none; stroke-width: 1; stroke-dasharray: 4 3; } svg.chart .best { fill: #fff; stroke-width: 2; }
        """;
}
