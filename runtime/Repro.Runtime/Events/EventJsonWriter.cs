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
        switch (evt.ValueCase)
        {
            case Event.ValueOneofCase.Scalar:
                writer.WriteString("type", "scalar");
                WriteDouble(writer, "value", evt.Scalar.Value);
                break;
            case Event.ValueOneofCase.Lifecycle:
                writer.WriteString("type", "lifecycle");
                writer.WriteString("kind", LifecycleKindName(evt.Lifecycle.Kind));
                writer.WriteString("message", evt.Lifecycle.Message);
                break;
            default:
                writer.WriteString("type", "unknown");
                break;
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
        _ => "unspecified",
    };

    private static void WriteDouble(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static string FormatUlid(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? new Ulid(bytes).ToString() : Convert.ToHexString(bytes);
}
