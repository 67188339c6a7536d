using System.CommandLine;
using System.Globalization;
using Repro.Sinks;

namespace Repro.Cli.Commands;

/// <summary><c>repro export &lt;run-id&gt; --output &lt;file&gt;</c>: append a run's events to a JSON Lines file, resumably.</summary>
internal static class ExportCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "JSON Lines file to append to; exporting again adds only what it lacks.",
            Required = true,
        };
        var export = new Command("export", "Export a run's events to a JSON Lines file (docs/formats/events.md).") { runId, output };
        export.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var id = context.RunId(parse.GetValue(runId)!); // a clear error for an unknown run before any file is created
            using var sink = new JsonLinesSink(parse.GetValue(output)!.FullName);
            var result = SinkReplay.Replay(context.Store, id, sink);
            foreach (var problem in result.Problems)
            {
                context.Error.WriteLine($"repro: {problem}");
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exported {result.Delivered} events of run {id} (through event {result.Cursor})."));
            return result.Problems.Count == 0 ? 0 : 1;
        }));
        return export;
    }
}
