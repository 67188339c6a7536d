using System.CommandLine;
using System.Globalization;
using Repro.Cli.Reports;
using Repro.Comparison;
using Repro.Series;
using Repro.Storage;

namespace Repro.Cli.Commands;

/// <summary><c>repro report &lt;run&gt;… -o report.html</c>: one self-contained HTML page with charts and tables.</summary>
internal static class ReportCommand
{
    public static Command Create(Option<string?> home)
    {
        var runIds = new Argument<string[]>("runs") { Description = "The runs to show (ids, unique beginnings, or 'latest'); the first is the one the others are compared with.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The HTML file to write (replaced if it exists).", Required = true };
        var store = StoreOption.Create();
        var report = new Command("report", "Write one self-contained HTML page: a chart per metric with a line per run, summaries as bands, best values marked; the configuration, provenance and diff tables; the verdict against the first run.") { runIds, output, store };
        report.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var ids = parse.GetValue(runIds)!.Select(context.RunId).Distinct(StringComparer.Ordinal).ToList();
            var problems = new List<string>();
            var runs = ids.Select(id => (context.Reader.GetRun(id), MetricSeriesReader.Read(context.Reader, id, SvgChart.Columns, d => problems.Add($"{id}: {d.SegmentPath} at byte {d.Offset.ToString(CultureInfo.InvariantCulture)}: {d.Reason}")))).ToList();
            var diffs = ids.Skip(1).Select(id => RunDiff.Compare(context.Reader, ids[0], id)).ToList();
            var html = HtmlReport.Render(runs, diffs);
            var path = parse.GetValue(output)!.FullName;
            Reports.ReportFile.Write(path, html);
            foreach (var problem in problems)
            {
                context.Error.WriteLine($"repro: damaged log, left out: {problem}");
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {path}: {runs.Count} run(s), {runs.SelectMany(r => r.Item2.Select(m => m.Name)).Distinct(StringComparer.Ordinal).Count()} metric(s), {new FileInfo(path).Length / 1024} KiB."));
            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }, store));
        return report;
    }
}
