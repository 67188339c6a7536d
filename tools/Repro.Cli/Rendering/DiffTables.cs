using System.Globalization;
using Repro.Comparison;
using Spectre.Console;

namespace Repro.Cli.Rendering;

/// <summary><c>repro diff</c> for people: the recorded differences part by part, the metrics, the verdict and its reasons.</summary>
internal static class DiffTables
{
    public static void Write(IAnsiConsole console, RunDiff diff)
    {
        console.MarkupLine($"[bold]a[/] {Markup.Escape(diff.A.RunId)} {Markup.Escape(diff.A.Name)} ({Markup.Escape(diff.A.Status.ToString().ToLowerInvariant())})");
        console.MarkupLine($"[bold]b[/] {Markup.Escape(diff.B.RunId)} {Markup.Escape(diff.B.Name)} ({Markup.Escape(diff.B.Status.ToString().ToLowerInvariant())})");
        var same = new List<string>();
        foreach (var section in diff.Sections)
        {
            if (section.Differences.Count == 0)
            {
                same.Add(section.Name);
                continue;
            }

            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(section.Name))
                .AddColumn("Field").AddColumn("a").AddColumn("b");
            foreach (var difference in section.Differences)
            {
                table.AddRow(Markup.Escape(difference.Field), Markup.Escape(difference.A ?? "(none)"), Markup.Escape(difference.B ?? "(none)"));
            }

            console.Write(table);
        }

        if (same.Count > 0)
        {
            console.MarkupLine($"Same in both: {Markup.Escape(string.Join(", ", same))}.");
        }

        if (diff.Metrics.Count > 0)
        {
            var metrics = new Table().Border(TableBorder.Rounded).Title("metrics")
                .AddColumn("Metric").AddColumn(new TableColumn("Values a").RightAligned()).AddColumn(new TableColumn("Values b").RightAligned())
                .AddColumn("Streams").AddColumn(new TableColumn("First different step").RightAligned())
                .AddColumn(new TableColumn("Max abs diff").RightAligned()).AddColumn(new TableColumn("Max rel diff").RightAligned());
            foreach (var metric in diff.Metrics)
            {
                metrics.AddRow(
                    Markup.Escape(metric.Name),
                    Number(metric.ValuesA),
                    Number(metric.ValuesB),
                    metric.Identical ? "[green]bit-identical[/]" : "[red]differ[/]",
                    metric.FirstDifferentStep is { } step ? Number(step) : "-",
                    metric.Identical ? "-" : metric.MaxAbsoluteDifference.ToString("G6", CultureInfo.InvariantCulture),
                    metric.Identical ? "-" : metric.MaxRelativeDifference.ToString("G3", CultureInfo.InvariantCulture));
            }

            console.Write(metrics);
        }

        foreach (var metric in diff.OnlyInA)
        {
            console.MarkupLine($"Only a logged {Markup.Escape(metric)}.");
        }

        foreach (var metric in diff.OnlyInB)
        {
            console.MarkupLine($"Only b logged {Markup.Escape(metric)}.");
        }

        foreach (var metric in diff.NotCompared)
        {
            console.MarkupLine($"[yellow]Downsampled, not compared value by value:[/] {Markup.Escape(metric)}; its buckets (min, max and their steps, mean) are in 'repro events' and 'repro report'.");
        }

        foreach (var problem in diff.Problems)
        {
            console.MarkupLine($"[yellow]Damaged log, not compared:[/] {Markup.Escape(problem)}");
        }

        console.MarkupLine(diff.Identical ? $"[bold green]{Markup.Escape(diff.Verdict)}[/]" : $"[bold red]{Markup.Escape(diff.Verdict)}[/]");
        foreach (var explanation in diff.Explanations)
        {
            console.MarkupLine($"  - {Markup.Escape(explanation)}");
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
