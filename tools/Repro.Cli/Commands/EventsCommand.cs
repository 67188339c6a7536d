using System.CommandLine;
using System.Text.Json;
using Repro.Cli.Rendering;
using Repro.Events;
using Repro.Wal;

namespace Repro.Cli.Commands;

/// <summary><c>repro events &lt;run-id&gt; [--jsonl]</c>: the run's events, in log order.</summary>
internal static class EventsCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Print one JSON object per event and line (docs/formats/events.md)." };
        var events = new Command("events", "Print a run's recorded events.") { runId, jsonl };
        events.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            WalCorruption? corruption = null;
            var stream = context.Store.ReadEvents(parse.GetValue(runId)!, c => corruption = c);
            if (parse.GetValue(jsonl))
            {
                WriteJsonLines(context.Output, stream);
            }
            else
            {
                context.Console.Write(RunTables.Events(stream));
            }

            if (corruption is not null)
            {
                context.Error.WriteLine($"repro: the event log is damaged; events after this point were not read: {corruption}");
                return 1;
            }

            return 0;
        }));
        return events;
    }

    private static void WriteJsonLines(TextWriter output, IEnumerable<Event> events)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, EventJsonWriter.WriterOptions);
        foreach (var evt in events)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            EventJsonWriter.Write(writer, evt);
            writer.Flush();
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }
}
