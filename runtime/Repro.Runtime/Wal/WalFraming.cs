using System.Buffers.Binary;

namespace Repro.Wal;

/// <summary>Frames payloads as TFRecord records into caller-owned memory.</summary>
public static class WalFraming
{
    /// <summary>Bytes a record with a payload of <paramref name="payloadLength"/> bytes takes.</summary>
    public static int FrameSize(int payloadLength) => WalFormat.HeaderSize + payloadLength + WalFormat.FooterSize;

    /// <summary>
    /// Writes the header and footer around a payload already placed at
    /// <c>destination[HeaderSize..HeaderSize+payloadLength]</c>, so encoders can write payloads in place.
    /// </summary>
    public static void FrameInPlace(Span<byte> destination, int payloadLength)
    {
        if (payloadLength > WalFormat.MaxPayloadSize)
        {
            throw new ArgumentException($"A WAL record holds at most {WalFormat.MaxPayloadSize} bytes; this payload has {payloadLength}.", nameof(payloadLength));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[sizeof(ulong)..], Crc32C.ComputeMasked(destination[..sizeof(ulong)]));
        var payload = destination.Slice(WalFormat.HeaderSize, payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[(WalFormat.HeaderSize + payloadLength)..], Crc32C.ComputeMasked(payload));
    }
}
