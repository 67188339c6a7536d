using System.CommandLine;
using System.Text;
using System.Text.Json;
using Repro.Cli.Rendering;
using Repro.Comparison;
using Repro.Events;

namespace Repro.Cli.Commands;

/// <summary><c>repro diff &lt;a&gt; &lt;b&gt;</c>: why two runs differ, and where they start to.</summary>
internal static class DiffCommand
{
    public static Command Create(Option<string?> home)
    {
        var a = new Argument<string>("a") { Description = "The first run (an id, a unique beginning of one, or 'latest')." };
        var b = new Argument<string>("b") { Description = "The second run." };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON, for scripts." };
        var store = StoreOption.Create();
        var diff = new Command("diff", "Compare two runs: what they recorded differently, every metric value by value, and the first step where they diverge. Exit 0 when identical, 1 when they differ.") { a, b, json, store };
        diff.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var result = RunDiff.Compare(context.Reader, context.RunId(parse.GetValue(a)!), context.RunId(parse.GetValue(b)!));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(Json(result));
            }
            else
            {
                DiffTables.Write(context.Console, result);
            }

            return result.Identical ? ExitCodes.Success : ExitCodes.Failure;
        }, store));
        return diff;
    }

    /// <summary>The comparison as indented JSON (fields documented in docs/cli.md).</summary>
    internal static string Json(RunDiff diff)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = EventJsonWriter.WriterOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("a", diff.A.RunId);
            writer.WriteString("b", diff.B.RunId);
            writer.WriteBoolean("identical", diff.Identical);
            writer.WriteString("verdict", diff.Verdict);
            if (diff.FirstDivergence is { } first)
            {
                writer.WriteNumber("divergentStep", first.FirstDifferentStep!.Value);
                writer.WriteString("divergentMetric", first.Name);
            }
            else
            {
                writer.WriteNull("divergentStep");
                writer.WriteNull("divergentMetric");
            }

            writer.WriteStartArray("explanations");
            foreach (var explanation in diff.Explanations)
            {
                writer.WriteStringValue(explanation);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("differences");
            foreach (var section in diff.Sections)
            {
                writer.WriteStartArray(section.Name);
                foreach (var difference in section.Differences)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", difference.Field);
                    writer.WriteString("a", difference.A);
                    writer.WriteString("b", difference.B);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteStartArray("metrics");
            foreach (var metric in diff.Metrics)
            {
                writer.WriteStartObject();
                writer.WriteString("name", metric.Name);
                writer.WriteBoolean("identical", metric.Identical);
                writer.WriteNumber("valuesA", metric.ValuesA);
                writer.WriteNumber("valuesB", metric.ValuesB);
                writer.WriteNumber("compared", metric.Compared);
                WriteNullable(writer, "lastComparedStep", metric.LastComparedStep);
                WriteNullable(writer, "firstDifferentStep", metric.FirstDifferentStep);
                writer.WriteNumber("differing", metric.Differing);
                // Only finite differences are measured, so these are always JSON numbers.
                writer.WriteNumber("maxAbsoluteDifference", metric.MaxAbsoluteDifference);
                writer.WriteNumber("maxRelativeDifference", metric.MaxRelativeDifference);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteStrings(writer, "onlyInA", diff.OnlyInA);
            WriteStrings(writer, "onlyInB", diff.OnlyInB);
            WriteStrings(writer, "notCompared", diff.NotCompared);
            WriteStrings(writer, "problems", diff.Problems);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
