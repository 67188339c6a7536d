using System.Buffers.Binary;
using Repro.Wal;

namespace Repro.Export.TensorBoard;

/// <summary>
/// Writes TFRecord framing, as TensorBoard reads it: the payload's length (8 bytes, little-endian), the masked
/// CRC-32C of those 8 bytes, the payload, and the masked CRC-32C of the payload.
/// </summary>
internal sealed class TfRecordWriter(Stream stream)
{
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _footer = new byte[4];

    public void Write(ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), Crc32C.ComputeMasked(_header.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, Crc32C.ComputeMasked(payload));
        stream.Write(_header);
        stream.Write(payload);
        stream.Write(_footer);
    }
}
