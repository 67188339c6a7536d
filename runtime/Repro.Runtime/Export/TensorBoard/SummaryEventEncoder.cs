using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
using Repro.Events;
using Repro.Export.TensorBoard.Proto;

namespace Repro.Export.TensorBoard;

/// <summary>
/// Encodes one TensorBoard summary event — a wall time, a step and the values logged at that step — straight into
/// protobuf wire format, the bytes <c>TbEvent.ToByteArray()</c> gives for the same message. A scalar value costs
/// a few byte stores instead of two message objects and a serialisation pass, which is what lets an export keep up
/// with a log read as columns; other values (histograms, text) are rare and serialised by Google.Protobuf.
/// </summary>
/// <remarks>
/// Only the fields Repro writes are encoded by hand, in field-number order as protobuf's own serialiser writes them:
/// <c>TbEvent</c> wall_time (1, omitted when 0), step (2, omitted when 0) and summary (5, a oneof member, always
/// written); <c>TbSummary</c> value (1, repeated); a scalar <c>Value</c>'s tag (1, omitted when empty) and
/// simple_value (2, a oneof member, always written). EncoderTests compare every byte with Google.Protobuf's output.
/// </remarks>
internal sealed class SummaryEventEncoder
{
    // Room before the values for the event's own fields: wall_time (9 bytes), step (up to 11) and the summary's
    // field tag and length (up to 6), written in front of the values once their length is known.
    private const int HeaderRoom = 32;
    private const byte WallTimeTag = (1 << 3) | 1; // field 1, 64-bit
    private const byte StepTag = 2 << 3; // field 2, varint
    private const byte SummaryTag = (5 << 3) | 2; // field 5, length-delimited
    private const byte ValueTag = (1 << 3) | 2; // TbSummary field 1, length-delimited
    private const byte SimpleValueTag = (2 << 3) | 5; // Value field 2, 32-bit

    private byte[] _buffer = new byte[HeaderRoom + 4096];
    private int _length = HeaderRoom;

    /// <summary>Whether a value was added since the last <see cref="Finish"/>.</summary>
    public bool HasValues => _length > HeaderRoom;

    /// <summary>A value's tag field as it is encoded (field 1: tag, length, UTF-8), to pass to <see cref="AddScalar"/>.</summary>
    public static byte[] EncodeTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length == 0)
        {
            return []; // proto3 leaves an empty string out
        }

        var utf8 = Encoding.UTF8.GetByteCount(tag);
        var encoded = new byte[1 + ProtobufVarint.Size((uint)utf8) + utf8];
        encoded[0] = (1 << 3) | 2;
        var at = 1 + ProtobufVarint.Write(encoded.AsSpan(1), (uint)utf8);
        Encoding.UTF8.GetBytes(tag, encoded.AsSpan(at));
        return encoded;
    }

    /// <summary>Adds a scalar value: <paramref name="encodedTag"/> from <see cref="EncodeTag"/>, and its value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddScalar(ReadOnlySpan<byte> encodedTag, float value)
    {
        var valueLength = encodedTag.Length + 5;
        var span = Reserve(1 + ProtobufVarint.Size((uint)valueLength) + valueLength);
        span[0] = ValueTag;
        var at = 1 + ProtobufVarint.Write(span[1..], (uint)valueLength);
        encodedTag.CopyTo(span[at..]);
        at += encodedTag.Length;
        span[at] = SimpleValueTag;
        BinaryPrimitives.WriteSingleLittleEndian(span[(at + 1)..], value);
        _length += at + 5;
    }

    /// <summary>Adds any value, serialised by Google.Protobuf.</summary>
    public void Add(TbSummary.Types.Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var valueLength = value.CalculateSize();
        var span = Reserve(1 + ProtobufVarint.Size((uint)valueLength) + valueLength);
        span[0] = ValueTag;
        var at = 1 + ProtobufVarint.Write(span[1..], (uint)valueLength);
        value.WriteTo(span.Slice(at, valueLength));
        _length += at + valueLength;
    }

    /// <summary>
    /// The encoded event of the values added since the last call, at <paramref name="wallTime"/> and
    /// <paramref name="step"/>; valid until the next call on this encoder, which starts a new event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Finish(double wallTime, long step)
    {
        var summaryLength = (uint)(_length - HeaderRoom);
        Span<byte> header = stackalloc byte[HeaderRoom];
        var at = 0;
        if (wallTime != 0)
        {
            header[at++] = WallTimeTag;
            BinaryPrimitives.WriteDoubleLittleEndian(header[at..], wallTime);
            at += 8;
        }

        if (step != 0)
        {
            header[at++] = StepTag;
            at += ProtobufVarint.Write(header[at..], (ulong)step);
        }

        header[at++] = SummaryTag;
        at += ProtobufVarint.Write(header[at..], summaryLength);
        var start = HeaderRoom - at;
        header[..at].CopyTo(_buffer.AsSpan(start));
        var length = _length - start;
        _length = HeaderRoom;
        return _buffer.AsSpan(start, length);
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length - _length < bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }

        return _buffer.AsSpan(_length, bytes);
    }
}
