using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Google.Protobuf;

namespace Repro.Events;

/// <summary>
/// The parts of an event's JSON that a run's events share — the run id, the metric name, the source — encoded once
/// per change rather than on every line: transcoding, escaping and formatting them took about a quarter of the time
/// of writing a scalar's line. One set per thread; each part is compared by value with the event's before reuse, so
/// a changed (or mutated) run id, name or source is encoded again.
/// </summary>
internal sealed class EventJsonParts
{
    [ThreadStatic]
    private static EventJsonParts? t_parts;

    private readonly ArrayBufferWriter<byte> _sourceJson = new(128);
    private ByteString? _runId;
    private JsonEncodedText _runIdText;
    private const int NameSlots = 64;
    private readonly (string? Name, JsonEncodedText Text)[] _names = new (string?, JsonEncodedText)[NameSlots];
    private Source? _source;

    /// <summary>The calling thread's parts.</summary>
    public static EventJsonParts ForThisThread => t_parts ??= new EventJsonParts();

    /// <summary>The run id as its JSON string (a ULID; an id of another length in hexadecimal).</summary>
    public JsonEncodedText RunId(ByteString runId)
    {
        if (_runId is null || !_runId.Equals(runId))
        {
            _runIdText = Encode(EventJsonWriter.IdText(runId.Span));
            _runId = runId;
        }

        return _runIdText;
    }

    /// <summary>
    /// The name as its JSON string, escaped as <see cref="EventJsonWriter.WriterOptions"/> escapes. Names are kept by
    /// string instance in a small direct-mapped table: a run's scalars interleave a few metrics, each of whose events
    /// carries its declaration's name string, so one remembered name would be replaced on nearly every line.
    /// </summary>
    public JsonEncodedText Name(string name)
    {
        ref var slot = ref _names[RuntimeHelpers.GetHashCode(name) & (NameSlots - 1)];
        if (!ReferenceEquals(slot.Name, name))
        {
            slot = (name, Encode(name));
        }

        return slot.Text;
    }

    /// <summary>The source as its JSON object, the bytes <see cref="EventJsonWriter"/> would write field by field.</summary>
    public ReadOnlySpan<byte> Source(Source source)
    {
        if (_source is null || !_source.Equals(source))
        {
            _sourceJson.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_sourceJson, EventJsonWriter.WriterOptions))
            {
                EventJsonWriter.WriteSourceObject(writer, source);
            }

            _source = source.Clone(); // a copy: the caller may change its message later
        }

        return _sourceJson.WrittenSpan;
    }

    private static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, EventJsonWriter.WriterOptions.Encoder);
}
