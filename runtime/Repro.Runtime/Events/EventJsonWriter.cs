using System.Globalization;
using System.Text.Json;

namespace Repro.Events;

/// <summary>
/// Writes events as JSON objects, one per line (JSON Lines), in the documented field order
/// (docs/formats/events.md). Timestamps are ISO 8601 with offset; NaN and infinities, which JSON
/// numbers cannot carry, are written as the strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public static class EventJsonWriter
{
    /// <summary>
    /// Writer options for event JSON: compact, and escaping only what JSON requires, so timestamps
    /// read "+00:00" rather than "\u002B00:00".
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes <paramref name="evt"/> as one JSON object (no trailing newline).</summary>
    public static void Write(Utf8JsonWriter writer, Event evt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evt);
        writer.WriteStartObject();
        writer.WriteString("eventId", FormatUlid(evt.EventId.Span));
        writer.WriteString("runId", FormatUlid(evt.RunId.Span));
        writer.WriteNumber("sequence", evt.Sequence);
        writer.WriteString("timestamp", FormatTimestamp(evt.TimestampUnixNanos));
        writer.WriteNumber("step", evt.Step);
        writer.WriteString("name", evt.Name);
        if (evt.Tags.Count > 0)
        {
            writer.WriteStartObject("tags");
            foreach (var (key, value) in evt.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteString("type", TypeName(evt.ValueCase));
        if (evt.IntervalOpen)
        {
            // A flushed snapshot of an interval still open; a later summary of the metric supersedes it.
            writer.WriteBoolean("intervalOpen", true);
        }

        if (evt.SequenceSpan > 1)
        {
            // The last bucket of a downsampled stretch stands for the raw scalars removed after it.
            writer.WriteNumber("sequenceSpan", evt.SequenceSpan);
        }

        switch (evt.ValueCase)
        {
            case Event.ValueOneofCase.Scalar:
                if (evt.Scalar.HasIntValue)
                {
                    writer.WriteNumber("value", evt.Scalar.IntValue);
                }
                else
                {
                    WriteDouble(writer, "value", evt.Scalar.Value);
                }

                break;
            case Event.ValueOneofCase.Lifecycle:
                writer.WriteString("kind", LifecycleKindName(evt.Lifecycle.Kind));
                writer.WriteString("message", evt.Lifecycle.Message);
                if (evt.Lifecycle.StackTrace.Length > 0)
                {
                    writer.WriteString("stackTrace", evt.Lifecycle.StackTrace);
                }

                if (evt.Lifecycle.Kind == Lifecycle.Types.Kind.Crashed)
                {
                    writer.WriteNumber("lastSequence", evt.Lifecycle.LastSequence);
                }

                if (evt.Lifecycle.Kind == Lifecycle.Types.Kind.Retry)
                {
                    writer.WriteNumber("attempt", evt.Lifecycle.Attempt);
                }

                break;
            case Event.ValueOneofCase.MetricDeclared:
                writer.WriteNumber("metricId", evt.MetricDeclared.MetricId);
                writer.WriteString("unit", evt.MetricDeclared.Unit);
                writer.WriteString("valueType", evt.MetricDeclared.ValueType switch { 1 => "float", 2 => "int", 3 => "long", _ => "double" });
                break;
            case Event.ValueOneofCase.Dropped:
                writer.WriteNumber("total", evt.Dropped.Total);
                writer.WriteString("policy", evt.Dropped.Policy);
                break;
            case Event.ValueOneofCase.Aggregate:
                var a = evt.Aggregate;
                writer.WriteNumber("count", a.Count);
                WriteDouble(writer, "min", a.Min);
                WriteDouble(writer, "max", a.Max);
                WriteDouble(writer, "mean", a.Mean);
                WriteDouble(writer, "stdDev", a.StdDev);
                writer.WriteNumber("firstStep", a.FirstStep);
                writer.WriteNumber("lastStep", a.LastStep);
                writer.WriteNumber("nanCount", a.NanCount);
                if (a.Downsampled)
                {
                    writer.WriteBoolean("downsampled", true);
                    writer.WriteNumber("minStep", a.MinStep);
                    writer.WriteNumber("maxStep", a.MaxStep);
                    if (a.HasLast)
                    {
                        WriteDouble(writer, "last", a.Last);
                    }
                }

                break;
            case Event.ValueOneofCase.Alert:
                writer.WriteString("rule", evt.Alert.Rule);
                writer.WriteString("kind", evt.Alert.Kind);
                writer.WriteString("metric", evt.Alert.Metric);
                WriteDouble(writer, "value", evt.Alert.Value);
                WriteDouble(writer, "threshold", evt.Alert.Threshold);
                writer.WriteString("message", evt.Alert.Message);
                break;
            case Event.ValueOneofCase.Histogram:
                WriteDoubles(writer, "bounds", evt.Histogram.Bounds);
                writer.WriteStartArray("counts");
                foreach (var count in evt.Histogram.Counts)
                {
                    writer.WriteNumberValue(count);
                }

                writer.WriteEndArray();
                writer.WriteNumber("nanCount", evt.Histogram.NanCount);
                writer.WriteNumber("firstStep", evt.Histogram.FirstStep);
                writer.WriteNumber("lastStep", evt.Histogram.LastStep);
                if (evt.Histogram.Merged > 0)
                {
                    writer.WriteNumber("merged", evt.Histogram.Merged); // merged from this many logged intervals by downsampling
                }

                break;
            case Event.ValueOneofCase.Sketch:
                writer.WriteNumber("compression", evt.Sketch.Compression);
                WriteDouble(writer, "min", evt.Sketch.Min);
                WriteDouble(writer, "max", evt.Sketch.Max);
                WriteDoubles(writer, "means", evt.Sketch.Means);
                WriteDoubles(writer, "weights", evt.Sketch.Weights);
                writer.WriteNumber("nanCount", evt.Sketch.NanCount);
                writer.WriteNumber("firstStep", evt.Sketch.FirstStep);
                writer.WriteNumber("lastStep", evt.Sketch.LastStep);
                if (evt.Sketch.Merged > 0)
                {
                    writer.WriteNumber("merged", evt.Sketch.Merged);
                }

                break;
            case Event.ValueOneofCase.Telemetry:
                var t = evt.Telemetry;
                writer.WriteNumber("cpuPercent", t.CpuPercent);
                writer.WriteNumber("workingSetBytes", t.WorkingSetBytes);
                writer.WriteNumber("gcHeapBytes", t.GcHeapBytes);
                writer.WriteNumber("gcGen0", t.GcGen0);
                writer.WriteNumber("gcGen1", t.GcGen1);
                writer.WriteNumber("gcGen2", t.GcGen2);
                writer.WriteNumber("threadPoolThreads", t.ThreadPoolThreads);
                writer.WriteNumber("threadPoolQueue", t.ThreadPoolQueue);
                writer.WriteNumber("diskReadBytes", t.DiskReadBytes);
                writer.WriteNumber("diskWriteBytes", t.DiskWriteBytes);
                writer.WriteStartArray("gpus");
                foreach (var gpu in t.Gpus)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", gpu.Index);
                    writer.WriteNumber("utilizationPercent", gpu.UtilizationPercent);
                    writer.WriteNumber("memoryUsedBytes", gpu.MemoryUsedBytes);
                    writer.WriteNumber("memoryTotalBytes", gpu.MemoryTotalBytes);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            case Event.ValueOneofCase.Hyperparameters:
                writer.WriteString("sha256", evt.Hyperparameters.Sha256);
                writer.WritePropertyName("configuration");
                writer.WriteRawValue(evt.Hyperparameters.CanonicalJson, skipInputValidation: false);
                break;
            case Event.ValueOneofCase.Text:
                writer.WriteString("level", evt.Text.Level.ToString().ToLowerInvariant());
                writer.WriteString("message", evt.Text.Message);
                break;
            case Event.ValueOneofCase.Artifact:
                LineageJson.WriteArtifact(writer, evt.Artifact);
                break;
            case Event.ValueOneofCase.Dataset:
                LineageJson.WriteDataset(writer, evt.Dataset);
                break;
            case Event.ValueOneofCase.TagMoved:
                LineageJson.WriteTagMoved(writer, evt.TagMoved);
                break;
            case Event.ValueOneofCase.Split:
                LineageJson.WriteSplit(writer, evt.Split);
                break;
        }

        if (evt.Source is { } source)
        {
            writer.WriteStartObject("source");
            writer.WriteString("host", source.Host);
            writer.WriteNumber("pid", source.Pid);
            if (source.ContainerId.Length > 0)
            {
                writer.WriteString("containerId", source.ContainerId);
            }

            writer.WriteNumber("rank", source.Rank);
            writer.WriteNumber("worldSize", source.WorldSize);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Renders nanoseconds since the Unix epoch as ISO 8601 UTC with offset and nanosecond precision.</summary>
    public static string FormatTimestamp(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000L, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000L;
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + "." + nanos.ToString("D9", CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>The lowercase word for a lifecycle kind, as in the JSON format.</summary>
    public static string LifecycleKindName(Lifecycle.Types.Kind kind) => kind switch
    {
        Lifecycle.Types.Kind.Started => "started",
        Lifecycle.Types.Kind.Finished => "finished",
        Lifecycle.Types.Kind.Failed => "failed",
        Lifecycle.Types.Kind.Crashed => "crashed",
        Lifecycle.Types.Kind.CheckpointSaved => "checkpoint_saved",
        Lifecycle.Types.Kind.Retry => "retry",
        _ => "unspecified",
    };

    /// <summary>The JSON "type" of an event's value.</summary>
    public static string TypeName(Event.ValueOneofCase value) => value switch
    {
        Event.ValueOneofCase.Scalar => "scalar",
        Event.ValueOneofCase.Lifecycle => "lifecycle",
        Event.ValueOneofCase.Aggregate => "aggregate",
        Event.ValueOneofCase.Histogram => "histogram",
        Event.ValueOneofCase.Sketch => "sketch",
        Event.ValueOneofCase.Hyperparameters => "hyperparameters",
        Event.ValueOneofCase.Artifact => "artifact",
        Event.ValueOneofCase.Dataset => "dataset",
        Event.ValueOneofCase.Telemetry => "telemetry",
        Event.ValueOneofCase.Text => "text",
        Event.ValueOneofCase.MetricDeclared => "metric_declared",
        Event.ValueOneofCase.Dropped => "events_dropped",
        Event.ValueOneofCase.TagMoved => "tag_moved",
        Event.ValueOneofCase.Split => "split",
        Event.ValueOneofCase.Alert => "alert",
        _ => "unknown",
    };

    private static void WriteDoubles(Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (NonFiniteName(value) is { } word)
            {
                writer.WriteStringValue(word);
            }
            else
            {
                writer.WriteNumberValue(value);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a double, non-finite values as the strings NaN, Infinity and -Infinity.</summary>
    internal static void WriteDouble(Utf8JsonWriter writer, string name, double value)
    {
        if (NonFiniteName(value) is { } word)
        {
            writer.WriteString(name, word);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    /// <summary>JSON numbers cannot carry NaN or infinities: they are written as these strings.</summary>
    private static string? NonFiniteName(double value) =>
        double.IsFinite(value) ? null : double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static string FormatUlid(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? new Ulid(bytes).ToString() : Convert.ToHexString(bytes);
}
