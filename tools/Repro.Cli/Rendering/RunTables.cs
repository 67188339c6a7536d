using System.Globalization;
using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Repro.Cli.Rendering;

/// <summary>Tables for people. Everything goes through invariant culture and UTC, so output is stable.</summary>
internal static class RunTables
{
    public static IRenderable List(IReadOnlyList<(RunManifest Manifest, double? SortValue)> hits, MetricSort? sort)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Run id").AddColumn("Name").AddColumn("Status").AddColumn("Started (UTC)")
            .AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Commit").AddColumn(new TableColumn("Events").RightAligned());
        var anyRanks = hits.Any(h => h.Manifest.Environment.WorldSize > 1);
        if (anyRanks)
        {
            table.AddColumn("Rank");
        }

        var anyTags = hits.Any(h => h.Manifest.Tags.Count > 0);
        if (anyTags)
        {
            table.AddColumn("Tags");
        }

        if (sort is not null)
        {
            table.AddColumn(new TableColumn(Markup.Escape(sort.Metric)).RightAligned());
        }

        foreach (var (m, value) in hits)
        {
            var cells = new List<string>
            {
                Markup.Escape(m.RunId),
                Markup.Escape(m.Name),
                StatusMarkup(m.Status),
                Markup.Escape(FormatTime(m.StartedAt)),
                Markup.Escape(FormatDuration(m)),
                Markup.Escape(FormatCommit(m, shortForm: true)),
                m.LastSequence.ToString(CultureInfo.InvariantCulture),
            };
            if (anyRanks)
            {
                cells.Add(m.Environment.WorldSize > 1 ? string.Create(CultureInfo.InvariantCulture, $"{m.Environment.Rank}/{m.Environment.WorldSize}") : "-");
            }

            if (anyTags)
            {
                cells.Add(Markup.Escape(FormatTags(m.Tags)));
            }

            if (sort is not null)
            {
                cells.Add(value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "-");
            }

            table.AddRow([.. cells]);
        }

        return table;
    }

    /// <summary>Tags as <c>key=value</c>, comma-separated, in key order.</summary>
    public static string FormatTags(IReadOnlyDictionary<string, string> tags) =>
        string.Join(", ", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    public static IRenderable Show(RunManifest m)
    {
        var grid = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("Field").AddColumn("Value");
        void Row(string field, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(field)}[/]"), new Spectre.Console.Text(value));

        Row("Run id", m.RunId);
        Row("Name", m.Name);
        grid.AddRow(new Markup("[bold]Status[/]"), new Markup(StatusMarkup(m.Status)));
        Row("Started (UTC)", FormatTime(m.StartedAt));
        Row("Ended (UTC)", m.EndedAt is { } ended ? FormatTime(ended) : "-");
        Row("Duration", FormatDuration(m));
        Row("Commit", FormatCommit(m, shortForm: false));
        if (m.Tags.Count > 0)
        {
            Row("Tags", FormatTags(m.Tags));
        }

        if (m.Note is { } note)
        {
            Row("Note", note);
        }

        if (m.RerunOf is { } original)
        {
            Row("Rerun of", original);
        }

        Row("Events", m.LastSequence.ToString(CultureInfo.InvariantCulture));
        Row("Dropped", m.DroppedEvents == 0 ? "none" : m.DroppedEvents.ToString(CultureInfo.InvariantCulture) + " (buffer full)");
        Row("Host", $"{m.Environment.Host} (pid {m.Environment.ProcessId.ToString(CultureInfo.InvariantCulture)})"
            + (m.Environment.ContainerId is { } container ? $", container {container[..12]}" : string.Empty));
        if (m.Environment.WorldSize > 1)
        {
            Row("Rank", $"{m.Environment.Rank.ToString(CultureInfo.InvariantCulture)} of {m.Environment.WorldSize.ToString(CultureInfo.InvariantCulture)}");
        }

        if (m.Environment.JobId is { } job)
        {
            Row("Job", job);
        }

        Row("OS", m.Environment.OperatingSystem);
        Row(".NET", m.Environment.Framework);
        Row("Processors", m.Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        if (m.Environment.CpuModel is { } cpu)
        {
            Row("CPU", cpu);
        }

        foreach (var gpu in m.Environment.Gpus)
        {
            Row($"GPU {gpu.Index.ToString(CultureInfo.InvariantCulture)}", $"{gpu.Name}, driver {gpu.Driver}, CUDA {gpu.CudaVersion ?? "?"}");
        }

        if (m.Build.Branch is { } branch)
        {
            Row("Branch", branch);
        }

        Row("Seeds", m.Seeds.Count == 0
            ? "none recorded"
            : string.Join(", ", m.Seeds.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value.ToString(CultureInfo.InvariantCulture)}")));
        foreach (var (metric, best) in m.Best.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            Row("Best " + metric, $"{best.Value.ToString("R", CultureInfo.InvariantCulture)} at step {best.Step.ToString(CultureInfo.InvariantCulture)} ({best.Goal})");
        }

        if (m.Failure is not null)
        {
            Row("Failure", m.Failure);
        }

        foreach (var warning in m.Warnings.Concat(m.Determinism?.Warnings ?? []))
        {
            Row("Warning", warning);
        }

        if (m.AlertCount > 0)
        {
            Row("Alerts", string.Create(CultureInfo.InvariantCulture, $"{m.AlertCount} fired{(m.AlertCount > m.Alerts.Count ? $" (the first {m.Alerts.Count} listed; 'repro events' has every one)" : string.Empty)}"));
            foreach (var alert in m.Alerts)
            {
                Row("Alert", string.Create(CultureInfo.InvariantCulture, $"{alert.Kind} at step {alert.Step} (event {alert.Sequence}): {alert.Message}"));
            }
        }

        if (m.Recovery is { } recovery)
        {
            Row("Recovery", $"{FormatTime(recovery.RecoveredAt)}: cut {recovery.TruncatedBytes.ToString(CultureInfo.InvariantCulture)} bytes of torn tail"
                + (recovery.Problems.Count > 0 ? "; " + string.Join("; ", recovery.Problems) : string.Empty));
        }

        return grid;
    }

    public static IRenderable Events(IEnumerable<Event> events)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Seq").RightAligned()).AddColumn("Time (UTC)").AddColumn(new TableColumn("Step").RightAligned())
            .AddColumn("Type").AddColumn("Name").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var e in events)
        {
            var type = EventJsonWriter.TypeName(e.ValueCase);
            var value = e.ValueCase switch
            {
                Event.ValueOneofCase.Scalar => e.Scalar.Value.ToString("R", CultureInfo.InvariantCulture),
                Event.ValueOneofCase.Lifecycle => EventJsonWriter.LifecycleKindName(e.Lifecycle.Kind) + (e.Lifecycle.Message.Length > 0 ? ": " + e.Lifecycle.Message : string.Empty),
                Event.ValueOneofCase.MetricDeclared => "id " + e.MetricDeclared.MetricId.ToString(CultureInfo.InvariantCulture) + (e.MetricDeclared.Unit.Length > 0 ? ", unit " + e.MetricDeclared.Unit : string.Empty),
                Event.ValueOneofCase.Dropped => e.Dropped.Total.ToString(CultureInfo.InvariantCulture) + " dropped (" + e.Dropped.Policy + ")",
                Event.ValueOneofCase.Text => e.Text.Message,
                Event.ValueOneofCase.Aggregate => Bucket(e.Aggregate),
                Event.ValueOneofCase.Histogram => Summary("histogram", e.Histogram.Counts.Aggregate(0UL, (sum, c) => sum + c), e.Histogram.FirstStep, e.Histogram.LastStep, e.Histogram.Merged),
                Event.ValueOneofCase.Sketch => Summary("sketch", (ulong)e.Sketch.Weights.Sum(), e.Sketch.FirstStep, e.Sketch.LastStep, e.Sketch.Merged),
                Event.ValueOneofCase.Alert => e.Alert.Kind + ": " + e.Alert.Message,
                _ => string.Empty,
            };
            table.AddRow(
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                EventJsonWriter.FormatTimestamp(e.TimestampUnixNanos),
                e.Step.ToString(CultureInfo.InvariantCulture),
                type,
                Markup.Escape(e.Name),
                Markup.Escape(value));
        }

        return table;
    }

    /// <summary>A summary in one cell; a downsampled bucket says so, with the steps of its extremes.</summary>
    private static string Bucket(Aggregate a) => a.Downsampled
        ? string.Create(CultureInfo.InvariantCulture, $"downsampled: {a.Count + a.NanCount} values, steps {a.FirstStep}–{a.LastStep}; min {a.Min:R} at {a.MinStep}, max {a.Max:R} at {a.MaxStep}, mean {a.Mean:R}, last {a.Last:R}")
        : string.Create(CultureInfo.InvariantCulture, $"{a.Count} values, steps {a.FirstStep}–{a.LastStep}; min {a.Min:R}, max {a.Max:R}, mean {a.Mean:R}");

    /// <summary>An interval summary in one cell; one merged by downsampling says from how many intervals.</summary>
    private static string Summary(string kind, ulong values, long firstStep, long lastStep, uint merged) =>
        string.Create(CultureInfo.InvariantCulture, $"{(merged > 0 ? $"downsampled: {kind} merged from {merged} intervals, " : kind + ", ")}{values} values, steps {firstStep}–{lastStep}");

    internal static string StatusMarkup(RunStatus status) => status switch
    {
        RunStatus.Finished => "[green]finished[/]",
        RunStatus.Failed => "[red]failed[/]",
        RunStatus.Crashed => "[red]crashed[/]",
        _ => "[yellow]running[/]",
    };

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string FormatDuration(RunManifest m) => m.EndedAt is { } ended
        ? (ended - m.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : "-";

    private static string FormatCommit(RunManifest m, bool shortForm)
    {
        if (!m.Build.Stamped)
        {
            return "unstamped";
        }

        if (m.Build.Commit is null)
        {
            return "no git commit";
        }

        var commit = shortForm && m.Build.Commit.Length > 12 ? m.Build.Commit[..12] : m.Build.Commit;
        return m.Build.Dirty == true ? commit + " (dirty)" : commit;
    }
}
