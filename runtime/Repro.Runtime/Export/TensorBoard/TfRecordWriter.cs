using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Repro.Wal;

namespace Repro.Export.TensorBoard;

/// <summary>
/// Writes TFRecord framing, as TensorBoard reads it: the payload's length (8 bytes, little-endian), the masked
/// CRC-32C of those 8 bytes, the payload, and the masked CRC-32C of the payload. Records are gathered in a buffer
/// of its own and handed to the stream in large writes, since an export writes a small record per step; call
/// <see cref="Flush"/> at the end.
/// </summary>
internal sealed class TfRecordWriter(Stream stream)
{
    private const int FramingBytes = 12 + 4;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<byte> payload)
    {
        var length = payload.Length + FramingBytes;
        if (_buffer.Length - _length < length)
        {
            Flush();
        }

        if (length > _buffer.Length)
        {
            var record = new byte[length]; // larger than the buffer: written on its own
            Frame(payload, record);
            stream.Write(record);
            return;
        }

        Frame(payload, _buffer.AsSpan(_length, length));
        _length += length;
    }

    /// <summary>Hands every record written so far to the stream.</summary>
    public void Flush()
    {
        stream.Write(_buffer, 0, _length);
        _length = 0;
    }

    private static void Frame(ReadOnlySpan<byte> payload, Span<byte> record)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.ComputeMasked(record[..8]));
        payload.CopyTo(record[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[(12 + payload.Length)..], Crc32C.ComputeMasked(payload));
    }
}
