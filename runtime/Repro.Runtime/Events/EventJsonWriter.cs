using System.Globalization;
using System.Text.Json;

namespace Repro.Events;

/// <summary>
/// Writes events as JSON objects, one per line (JSON Lines), in the documented field order
/// (docs/formats/events.md). Timestamps are ISO 8601 with offset; NaN and infinities, which JSON
/// numbers cannot carry, are written as the strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public static partial class EventJsonWriter
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
        var parts = EventJsonParts.ForThisThread;
        writer.WriteStartObject();
        WriteId(writer, s_eventId, evt.EventId.Span);
        writer.WriteString(s_runId, parts.RunId(evt.RunId));
        writer.WriteNumber(s_sequence, evt.Sequence);
        Span<byte> timestamp = stackalloc byte[TimestampLength];
        writer.WriteString(s_timestamp, FormatTimestamp(evt.TimestampUnixNanos, timestamp));
        writer.WriteNumber(s_step, evt.Step);
        writer.WriteString(s_name, parts.Name(evt.Name));
        if (evt.Tags.Count > 0)
        {
            writer.WriteStartObject("tags");
            foreach (var (key, value) in evt.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteString(s_type, TypeText(evt.ValueCase));
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
                    writer.WriteNumber(s_value, evt.Scalar.IntValue);
                }
                else if (NonFiniteName(evt.Scalar.Value) is { } word)
                {
                    writer.WriteString(s_value, word);
                }
                else
                {
                    writer.WriteNumber(s_value, evt.Scalar.Value);
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
            writer.WritePropertyName(s_source);
            writer.WriteRawValue(parts.Source(source), skipInputValidation: true); // written by WriteSourceObject
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes an event's source as a JSON object value (<see cref="EventJsonParts"/> keeps it per source).</summary>
    internal static void WriteSourceObject(Utf8JsonWriter writer, Source source)
    {
        writer.WriteStartObject();
        writer.WriteString(s_host, source.Host);
        writer.WriteNumber(s_pid, source.Pid);
        if (source.ContainerId.Length > 0)
        {
            writer.WriteString(s_containerId, source.ContainerId);
        }

        writer.WriteNumber(s_rank, source.Rank);
        writer.WriteNumber(s_worldSize, source.WorldSize);
        writer.WriteEndObject();
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

    /// <summary><see cref="TypeName"/> encoded for the writer, by value case (the cases are field numbers below 32).</summary>
    private static readonly JsonEncodedText[] s_typeTexts = EncodeTypeNames();

    private static JsonEncodedText TypeText(Event.ValueOneofCase value) =>
        (uint)value < (uint)s_typeTexts.Length ? s_typeTexts[(int)value] : JsonEncodedText.Encode(TypeName(value), WriterOptions.Encoder);

    private static JsonEncodedText[] EncodeTypeNames()
    {
        var texts = new JsonEncodedText[32];
        foreach (var value in Enum.GetValues<Event.ValueOneofCase>())
        {
            texts[(int)value] = JsonEncodedText.Encode(TypeName(value), WriterOptions.Encoder);
        }

        return texts;
    }

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

    /// <summary>An event or run id as text: a ULID; an id of another length (not written by Repro) in hexadecimal.</summary>
    internal static string IdText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            return Convert.ToHexString(bytes);
        }

        Span<char> text = stackalloc char[26];
        _ = new Ulid(bytes).TryWriteStringify(text);
        return new string(text);
    }

    /// <summary>An event id as <see cref="IdText"/> renders it, without a string (every event has its own id).</summary>
    private static void WriteId(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            writer.WriteString(name, IdText(bytes));
            return;
        }

        Span<char> text = stackalloc char[26];
        _ = new Ulid(bytes).TryWriteStringify(text);
        writer.WriteString(name, text);
    }

    // Property names every event has, encoded once: a string name is transcoded and checked on each write.
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("eventId");
    private static readonly JsonEncodedText s_runId = JsonEncodedText.Encode("runId");
    private static readonly JsonEncodedText s_sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText s_step = JsonEncodedText.Encode("step");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText s_source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText s_host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText s_pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText s_containerId = JsonEncodedText.Encode("containerId");
    private static readonly JsonEncodedText s_rank = JsonEncodedText.Encode("rank");
    private static readonly JsonEncodedText s_worldSize = JsonEncodedText.Encode("worldSize");
}
