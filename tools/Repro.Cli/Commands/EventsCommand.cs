using System.CommandLine;
using System.Text.Json;
using Repro.Cli.Rendering;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Cli.Commands;

/// <summary><c>repro events &lt;run&gt; [--jsonl] [--follow]</c>: the run's events, in log order.</summary>
internal static class EventsCommand
{
    /// <summary>How often a followed run's log is read again.</summary>
    private static readonly TimeSpan s_followInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Print one JSON object per event and line (docs/formats/events.md)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing a running run's new events until it ends (Ctrl+C stops following); reads the local home." };
        var store = StoreOption.Create();
        var events = new Command("events", "Print a run's recorded events.") { runId, jsonl, follow, store };
        events.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var id = context.RunId(parse.GetValue(runId)!);
            if (parse.GetValue(follow))
            {
                return context.ReadsLocalHome ? Follow(context, id, parse.GetValue(jsonl))
                    : throw new ArgumentException("--follow reads a live run where it is recorded, in the local home: leave out --store (or pass --store local).");
            }

            WalCorruption? corruption = null;
            var stream = context.Reader.ReadEvents(id, c => corruption = c);
            if (parse.GetValue(jsonl))
            {
                WriteJsonLines(context.Output, stream);
            }
            else
            {
                context.Console.Write(RunTables.Events(stream));
            }

            return corruption is null ? ExitCodes.Success : RunFollower.Damaged(context, corruption);
        }, store));
        return events;
    }

    /// <summary>Prints what the log holds, then what comes, until the run has ended (see <see cref="RunFollower.Follow"/>).</summary>
    private static int Follow(CommandContext context, string id, bool jsonl)
    {
        var corruption = RunFollower.Follow(context, id, s_followInterval, fresh =>
        {
            if (jsonl)
            {
                WriteJsonLines(context.Output, fresh);
            }
            else
            {
                context.Console.Write(RunTables.Events(fresh));
            }

            context.Output.Flush();
        });
        return corruption is null ? ExitCodes.Success : RunFollower.Damaged(context, corruption);
    }

    /// <summary>
    /// Writes one line per event, as the events are read: lines are gathered into a buffer of about 64 KiB and
    /// handed to the output together, so memory stays bounded by the buffer, however long the run.
    /// </summary>
    private static void WriteJsonLines(TextWriter output, IEnumerable<Event> events)
    {
        const int HandOver = 64 * 1024;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(HandOver + 4096);
        char[] characters = []; // only for an output that takes text: sized by the first hand-over
        // The process's own standard output takes the UTF-8 bytes as they are, rather than decoded to text and encoded again.
        using var standardOutput = ReferenceEquals(output, Console.Out) ? Console.OpenStandardOutput() : null;
        output.Flush();
        using var writer = new Utf8JsonWriter(buffer, EventJsonWriter.WriterOptions);
        try
        {
            foreach (var evt in events)
            {
                writer.Reset(buffer);
                EventJsonWriter.Write(writer, evt);
                writer.Flush();
                buffer.GetSpan(1)[0] = (byte)'\n';
                buffer.Advance(1);
                if (buffer.WrittenCount >= HandOver)
                {
                    HandOverLines(output, standardOutput, buffer, ref characters);
                }
            }
        }
        finally
        {
            // Lines read before a failure (an unreadable segment) are printed before the error is.
            HandOverLines(output, standardOutput, buffer, ref characters);
        }
    }

    private static void HandOverLines(TextWriter output, Stream? standardOutput, System.Buffers.ArrayBufferWriter<byte> buffer, ref char[] characters)
    {
        if (standardOutput is not null)
        {
            standardOutput.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
            return;
        }

        var needed = System.Text.Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount);
        if (characters.Length < needed)
        {
            characters = new char[needed];
        }

        var count = System.Text.Encoding.UTF8.GetChars(buffer.WrittenSpan, characters);
        output.Write(characters, 0, count);
        buffer.ResetWrittenCount();
    }
}
