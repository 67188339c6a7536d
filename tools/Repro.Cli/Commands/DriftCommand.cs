using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Repro.Drift;
using Repro.Events;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro drift &lt;training&gt; &lt;serving&gt;</c>: each feature's PSI and KS distance, window by window, against the training run.</summary>
internal static class DriftCommand
{
    public static Command Create(Option<string?> home)
    {
        var training = new Argument<string>("training-run") { Description = "The run whose feature sketches are the baseline (training or evaluation)." };
        var serving = new Argument<string>("serving-run") { Description = "The run compared with it (a serving run logging by day)." };
        var window = new Option<string>("--window") { Description = "Serving steps per window: Nd for N days (serving runs log by day), or a whole number of steps. Default 1d.", DefaultValueFactory = _ => "1d" };
        var psi = new Option<double>("--psi") { Description = "PSI at which a feature has drifted (default 0.25; a moderate shift is flagged from 0.1).", DefaultValueFactory = _ => 0.25 };
        var ks = new Option<double>("--ks") { Description = "Kolmogorov–Smirnov distance at which a feature has drifted (default 0.1).", DefaultValueFactory = _ => 0.1 };
        var minValues = new Option<long>("--min-values") { Description = "The fewest values a window needs for a verdict (default 100).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON, for scripts." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML page charting each feature's PSI and KS window by window against the thresholds." };
        var store = StoreOption.Create();
        var drift = new Command("drift", "Compare the feature and output sketches of a serving run with a training run's, window by window: population stability index, Kolmogorov–Smirnov distance and a verdict per feature. Exit 0 when nothing drifted, 1 when something did (docs/drift.md).")
        {
            training, serving, window, psi, ks, minValues, json, html, store,
        };
        drift.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var (steps, days) = ParseWindow(parse.GetValue(window)!);
            var thresholds = new DriftThresholds
            {
                DriftedPsi = parse.GetValue(psi),
                ModeratePsi = Math.Min(0.1, parse.GetValue(psi)),
                DriftedKs = parse.GetValue(ks),
                MinValues = parse.GetValue(minValues),
            };
            var report = DriftAnalysis.Compare(context.Reader, context.RunId(parse.GetValue(training)!), context.RunId(parse.GetValue(serving)!), steps, thresholds);
            if (parse.GetValue(html) is { } page)
            {
                var path = Path.GetFullPath(page);
                Reports.ReportFile.Write(path, Reports.DriftHtml.Render(report, context.Reader.GetRun(report.TrainingRunId), context.Reader.GetRun(report.ServingRunId), feature => Window(feature, days)));
                context.Error.WriteLine($"repro: wrote {path}");
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(Json(report, days));
            }
            else
            {
                Print(context, report, days);
            }

            return report.Drifted ? ExitCodes.Failure : ExitCodes.Success;
        }, store));
        return drift;
    }

    /// <summary>"7d" is 7 steps read as days; "500" is 500 steps.</summary>
    private static (long Steps, bool Days) ParseWindow(string text)
    {
        var days = text.EndsWith('d');
        if (!long.TryParse(days ? text[..^1] : text, NumberStyles.None, CultureInfo.InvariantCulture, out var steps) || steps < 1)
        {
            throw new ArgumentException($"--window '{text}' is not a window: use Nd for N days (1d, 7d) or a whole number of steps.");
        }

        return (steps, days);
    }

    private static string Window(FeatureDrift feature, bool days) => days
        ? feature.FirstStep == feature.LastStep ? Day(feature.FirstStep) : $"{Day(feature.FirstStep)} – {Day(feature.LastStep)}"
        : string.Create(CultureInfo.InvariantCulture, $"steps {feature.FirstStep}–{feature.LastStep}");

    private static string Day(long day) => DateTimeOffset.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Print(CommandContext context, DriftReport report, bool days)
    {
        context.Output.WriteLine($"Serving run {report.ServingRunId} against training run {report.TrainingRunId}:");
        var table = new Table().AddColumns("Feature", "Window", "Values", "PSI", "KS", "Verdict");
        foreach (var feature in report.Features)
        {
            table.AddRow(
                Markup.Escape(feature.Feature),
                Window(feature, days),
                feature.ServingValues.ToString("N0", CultureInfo.InvariantCulture),
                double.IsNaN(feature.Psi) ? "-" : feature.Psi.ToString("0.000", CultureInfo.InvariantCulture),
                double.IsNaN(feature.Ks) ? "-" : feature.Ks.ToString("0.000", CultureInfo.InvariantCulture),
                feature.Verdict switch
                {
                    DriftVerdict.Drifted => "[red]drifted[/]",
                    DriftVerdict.Moderate => "[yellow]moderate[/]",
                    DriftVerdict.TooFewValues => "too few values",
                    _ => "stable",
                });
        }

        context.Console.Write(table);
        foreach (var missing in report.NotCompared)
        {
            context.Output.WriteLine($"Not compared: {missing}.");
        }

        var drifted = report.Features.Where(f => f.Verdict == DriftVerdict.Drifted).Select(f => f.Feature).Distinct(StringComparer.Ordinal).ToList();
        context.Output.WriteLine(report.Features.Count == 0
            ? "No feature sketches in common: record them with Run.LogFeatures in both runs."
            : drifted.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"No drift (PSI below {report.Thresholds.DriftedPsi}, KS below {report.Thresholds.DriftedKs}).")
                : $"Drifted: {string.Join(", ", drifted)}.");
    }

    private static string Json(DriftReport report, bool days)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = EventJsonWriter.WriterOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("training", report.TrainingRunId);
            writer.WriteString("serving", report.ServingRunId);
            writer.WriteNumber("windowSteps", report.WindowSteps);
            writer.WriteBoolean("drifted", report.Drifted);
            writer.WriteStartObject("thresholds");
            writer.WriteNumber("psi", report.Thresholds.DriftedPsi);
            writer.WriteNumber("moderatePsi", report.Thresholds.ModeratePsi);
            writer.WriteNumber("ks", report.Thresholds.DriftedKs);
            writer.WriteNumber("minValues", report.Thresholds.MinValues);
            writer.WriteNumber("bins", report.Thresholds.Bins);
            writer.WriteEndObject();
            writer.WriteStartArray("features");
            foreach (var feature in report.Features)
            {
                writer.WriteStartObject();
                writer.WriteString("feature", feature.Feature);
                writer.WriteNumber("firstStep", feature.FirstStep);
                writer.WriteNumber("lastStep", feature.LastStep);
                if (days)
                {
                    writer.WriteString("firstDay", Day(feature.FirstStep));
                    writer.WriteString("lastDay", Day(feature.LastStep));
                }

                writer.WriteNumber("trainingValues", feature.TrainingValues);
                writer.WriteNumber("servingValues", feature.ServingValues);
                Number(writer, "psi", feature.Psi);
                Number(writer, "ks", feature.Ks);
                writer.WriteString("verdict", feature.Verdict switch
                {
                    DriftVerdict.Drifted => "drifted",
                    DriftVerdict.Moderate => "moderate",
                    DriftVerdict.TooFewValues => "too_few_values",
                    _ => "stable",
                });
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("notCompared");
            foreach (var missing in report.NotCompared)
            {
                writer.WriteStringValue(missing);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, Math.Round(value, 6));
        }
    }
}
