using System.Buffers.Binary;
using Repro.Events;

namespace Repro.Pipeline;

/// <summary>
/// Encodes a <c>Record { scalars: ScalarBatch }</c> (see repro_events.proto) straight into the
/// writer's buffer: one pass over the entries, no intermediate objects. Readers decode it with the
/// generated protobuf parser, which is what keeps this encoder honest.
/// </summary>
internal sealed class ScalarBatchEncoder
{
    // Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
    private const byte RecordScalars = (3 << 3) | 2;
    private const byte FirstEventId = (1 << 3) | 2;
    private const byte FirstSequence = (2 << 3) | 0;
    private const byte FirstTimestamp = (3 << 3) | 1;
    private const byte MetricIds = (4 << 3) | 2;
    private const byte StepDeltas = (5 << 3) | 2;
    private const byte TimestampDeltas = (6 << 3) | 2;
    private const byte Values = (7 << 3) | 2;
    private const byte Packed = (8 << 3) | 2;
    private const byte Count = (9 << 3) | 0;
    private const byte Packing = (10 << 3) | 0;

    private readonly PackedScalarEncoder _packer = new();
    private byte[] _ids = [];
    private byte[] _steps = [];
    private byte[] _times = [];

    /// <summary>
    /// An upper bound of the encoded size of <paramref name="count"/> scalars: per scalar at most
    /// 5 + 10 + 10 varint bytes and 8 value bytes; fixed fields, keys and lengths at most 68 bytes.
    /// </summary>
    public static int MaxEncodedSize(int count) => 96 + (count * (5 + 10 + 10 + 8));

    /// <summary>
    /// Encodes the batch in the packed form (one bit stream, see <see cref="PackedScalarEncoder"/>) into
    /// <paramref name="destination"/>; returns the bytes written.
    /// </summary>
    public int EncodePacked(Span<byte> destination, ReadOnlySpan<ScalarEntry> entries, ReadOnlySpan<byte> firstEventId, ulong firstSequence, RunClock clock)
    {
        var firstTime = clock.ToUnixNanos(entries[0].Timestamp);
        var packedLength = _packer.Pack(entries, firstTime, clock);
        var innerLength = 2 + 16
            + 1 + ProtobufVarint.Size(firstSequence)
            + 1 + 8
            + 1 + ProtobufVarint.Size((ulong)packedLength) + packedLength
            + 1 + ProtobufVarint.Size((ulong)entries.Length)
            + 1 + 1;

        var at = 0;
        destination[at++] = RecordScalars;
        at += ProtobufVarint.Write(destination[at..], (ulong)innerLength);
        destination[at++] = FirstEventId;
        destination[at++] = 16;
        firstEventId.CopyTo(destination[at..]);
        at += 16;
        destination[at++] = FirstSequence;
        at += ProtobufVarint.Write(destination[at..], firstSequence);
        destination[at++] = FirstTimestamp;
        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], firstTime);
        at += 8;
        at += WriteColumn(destination[at..], Packed, _packer.Packed(packedLength));
        destination[at++] = Count;
        at += ProtobufVarint.Write(destination[at..], (ulong)entries.Length);
        destination[at++] = Packing;
        destination[at++] = (byte)Events.Packing.PackedScalarFormat.Version;
        return at;
    }

    /// <summary>Encodes the batch in the column form (one column per field) into <paramref name="destination"/>; returns the bytes written.</summary>
    public int Encode(Span<byte> destination, ReadOnlySpan<ScalarEntry> entries, ReadOnlySpan<byte> firstEventId, ulong firstSequence, RunClock clock)
    {
        EnsureScratch(entries.Length);
        var firstTime = clock.ToUnixNanos(entries[0].Timestamp);
        int ids = 0, steps = 0, times = 0;
        long previousStep = 0;
        var previousTime = firstTime;
        foreach (ref readonly var entry in entries)
        {
            var time = clock.ToUnixNanos(entry.Timestamp);
            ids += ProtobufVarint.Write(_ids.AsSpan(ids), (uint)entry.MetricId);
            steps += ProtobufVarint.Write(_steps.AsSpan(steps), ZigZag(entry.Step - previousStep));
            times += ProtobufVarint.Write(_times.AsSpan(times), ZigZag(time - previousTime));
            previousStep = entry.Step;
            previousTime = time;
        }

        var valuesLength = entries.Length * sizeof(double);
        var innerLength = 2 + 16
            + 1 + ProtobufVarint.Size(firstSequence)
            + 1 + 8
            + 1 + ProtobufVarint.Size((ulong)ids) + ids
            + 1 + ProtobufVarint.Size((ulong)steps) + steps
            + 1 + ProtobufVarint.Size((ulong)times) + times
            + 1 + ProtobufVarint.Size((ulong)valuesLength) + valuesLength;

        var at = 0;
        destination[at++] = RecordScalars;
        at += ProtobufVarint.Write(destination[at..], (ulong)innerLength);
        destination[at++] = FirstEventId;
        destination[at++] = 16;
        firstEventId.CopyTo(destination[at..]);
        at += 16;
        destination[at++] = FirstSequence;
        at += ProtobufVarint.Write(destination[at..], firstSequence);
        destination[at++] = FirstTimestamp;
        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], firstTime);
        at += 8;
        at += WriteColumn(destination[at..], MetricIds, _ids.AsSpan(0, ids));
        at += WriteColumn(destination[at..], StepDeltas, _steps.AsSpan(0, steps));
        at += WriteColumn(destination[at..], TimestampDeltas, _times.AsSpan(0, times));
        destination[at++] = Values;
        at += ProtobufVarint.Write(destination[at..], (ulong)valuesLength);
        foreach (ref readonly var entry in entries)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination[at..], entry.Value);
            at += 8;
        }

        return at;
    }

    private void EnsureScratch(int count)
    {
        if (_ids.Length < count * 5)
        {
            _ids = new byte[count * 5];
            _steps = new byte[count * 10];
            _times = new byte[count * 10];
        }
    }

    private static int WriteColumn(Span<byte> destination, byte key, ReadOnlySpan<byte> column)
    {
        destination[0] = key;
        var at = 1 + ProtobufVarint.Write(destination[1..], (ulong)column.Length);
        column.CopyTo(destination[at..]);
        return at + column.Length;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
