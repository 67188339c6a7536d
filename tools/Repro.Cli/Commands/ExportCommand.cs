using System.CommandLine;
using System.Globalization;
using Repro.Sinks;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro export &lt;run-id&gt; -o &lt;file&gt;</c>: append a run's events to a JSON Lines file, resumably; with
/// <c>--format tensorboard</c>, write them as a TensorBoard event file into the folder <c>-o</c> names.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "JSON Lines file to append to (exporting again adds only what it lacks); for --format tensorboard, the log folder to write the event file into.",
            Required = true,
        };
        var format = new Option<string>("--format") { Description = "jsonl (default) or tensorboard.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "tensorboard");
        var export = new Command("export", "Export a run's events to a JSON Lines file (docs/formats/events.md) or a TensorBoard event file (docs/formats/tensorboard.md).") { runId, output, format };
        export.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var id = context.RunId(parse.GetValue(runId)!); // a clear error for an unknown run before any file is created
            if (parse.GetValue(format) == "tensorboard")
            {
                var written = Repro.Export.TensorBoard.TensorBoardExporter.Export(context.Store, id, parse.GetValue(output)!.FullName);
                foreach (var problem in written.Problems)
                {
                    context.Error.WriteLine($"repro: {problem}");
                }

                Audit(context, id, "tensorboard", written.Path, written.Scalars + written.Histograms + written.Texts + written.HParams);
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {written.Path}: {written.Scalars} scalars, {written.Histograms} histograms, {written.Texts} texts, {written.HParams} hyperparameters. View it with: tensorboard --logdir {Path.GetDirectoryName(written.Path)}"));
                return written.Problems.Count == 0 ? 0 : 1;
            }

            using var sink = new JsonLinesSink(parse.GetValue(output)!.FullName);
            var result = SinkReplay.Replay(context.Store, id, sink);
            foreach (var problem in result.Problems)
            {
                context.Error.WriteLine($"repro: {problem}");
            }

            Audit(context, id, "jsonl", parse.GetValue(output)!.FullName, result.Delivered);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exported {result.Delivered} events of run {id} (through event {result.Cursor})."));
            return result.Problems.Count == 0 ? 0 : 1;
        }));
        return export;
    }

    /// <summary>An export takes a run's record out of the home: the audit log says who, where to and how much.</summary>
    private static void Audit(CommandContext context, string runId, string format, string destination, long events) =>
        Repro.Storage.Audit.AuditLog.Append(context.Store.Home, "run export", [runId], details: new Dictionary<string, string>
        {
            ["format"] = format,
            ["to"] = destination,
            ["events"] = events.ToString(CultureInfo.InvariantCulture),
        });
}
