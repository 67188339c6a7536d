using System.Globalization;
using System.Net;
using System.Text;
using Repro.Comparison;
using Repro.Hyperparameters;
using Repro.Runs;

namespace Repro.Cli.Reports;

/// <summary>The report's tables: configuration side by side, provenance side by side, and the differences <c>repro diff</c> found.</summary>
internal static class Tables
{
    public static void Configuration(StringBuilder html, IReadOnlyList<RunManifest> runs)
    {
        var values = runs.Select(r => ConfigurationPaths.Flatten(r.Hyperparameters)).ToList();
        var rows = values.SelectMany(v => v.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(path => (path, values.Select(v => v.TryGetValue(path, out var x) ? x : "(none)").ToList()));
        Side(html, "Configuration", runs, [("configuration hash", runs.Select(r => r.ConfigHash ?? "(none)").ToList()), .. rows]);
    }

    public static void Provenance(StringBuilder html, IReadOnlyList<RunManifest> runs)
    {
        List<string> Each(Func<RunManifest, string?> pick) => runs.Select(r => pick(r) ?? "-").ToList();
        Side(html, "Provenance", runs,
        [
            ("commit", Each(r => r.Build.Commit)),
            ("dirty", Each(r => r.Build.Dirty is { } d ? (d ? "yes" : "no") : null)),
            ("patch SHA-256", Each(r => r.Build.PatchSha256)),
            ("branch", Each(r => r.Build.Branch)),
            ("seeds", Each(r => string.Join(", ", r.Seeds.Select(s => $"{s.Key}={s.Value.ToString(CultureInfo.InvariantCulture)}")))),
            ("datasets", Each(r => string.Join(", ", r.Lineage.Datasets.Select(d => $"{d.Name} {d.Sha256[..12]}")))),
            ("splits", Each(r => string.Join(", ", r.Lineage.Splits.Select(s => $"{s.Name} {s.Sha256[..12]} ({s.Count.ToString(CultureInfo.InvariantCulture)})")))),
            ("operating system", Each(r => r.Environment.OperatingSystem)),
            ("CPU", Each(r => r.Environment.CpuModel)),
            ("GPUs", Each(r => string.Join("; ", r.Environment.Gpus.Select(g => $"{g.Name}, driver {g.Driver}")))),
            (".NET", Each(r => r.Environment.Framework)),
            ("libraries", Each(r => string.Join(", ", r.Environment.Libraries.Select(l => $"{l.Key} {l.Value}")))),
            ("determinism warnings", Each(r => string.Join(" ", r.Determinism?.Warnings ?? []))),
            ("provenance warnings", Each(r => string.Join(" ", r.Warnings))),
        ]);
    }

    public static void Differences(StringBuilder html, RunDiff diff)
    {
        html.Append("<h2>").Append(E($"Recorded differences: {diff.B.RunId} against {diff.A.RunId}")).Append("</h2>\n");
        var any = false;
        foreach (var section in diff.Sections.Where(s => s.Differences.Count > 0))
        {
            any = true;
            html.Append("<table class=\"differences\" data-part=\"").Append(E(section.Name)).Append("\">\n<thead><tr><th colspan=\"3\">").Append(E(section.Name))
                .Append("</th></tr><tr><th>Field</th><th>a</th><th>b</th></tr></thead>\n<tbody>\n");
            foreach (var difference in section.Differences)
            {
                html.Append("<tr><td>").Append(E(difference.Field)).Append("</td><td class=\"mono\">").Append(E(difference.A ?? "(none)"))
                    .Append("</td><td class=\"mono\">").Append(E(difference.B ?? "(none)")).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        if (!any)
        {
            html.Append("<p>Nothing recorded differs.</p>\n");
        }
    }

    /// <summary>A table with one column per run; rows whose values differ between runs are marked.</summary>
    private static void Side(StringBuilder html, string caption, IReadOnlyList<RunManifest> runs, IEnumerable<(string Field, List<string> Values)> rows)
    {
        html.Append("<h2>").Append(E(caption)).Append("</h2>\n<table class=\"side\">\n<thead><tr><th></th>");
        for (var i = 0; i < runs.Count; i++)
        {
            html.Append("<th><span class=\"swatch\" style=\"background:").Append(HtmlReport.Colour(i)).Append("\"></span>").Append(runs[i].RunId[..10]).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (field, values) in rows)
        {
            var differs = values.Distinct(StringComparer.Ordinal).Count() > 1;
            html.Append(differs ? "<tr class=\"differs\">" : "<tr>").Append("<th>").Append(E(field)).Append("</th>");
            foreach (var value in values)
            {
                html.Append("<td class=\"mono\">").Append(E(value)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
