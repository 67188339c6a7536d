using System.Numerics;

namespace Repro.Events;

/// <summary>
/// Protobuf's base-128 varint, for the encoders that write wire format by hand (the log's scalar batches, the
/// TensorBoard export's events): seven bits a byte, low bits first, the high bit set on every byte but the last.
/// </summary>
internal static class ProtobufVarint
{
    /// <summary>How many bytes <paramref name="value"/> takes.</summary>
    public static int Size(ulong value) => value < 0x80 ? 1 : (70 - BitOperations.LeadingZeroCount(value)) / 7;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    /// <summary>Reads a varint at the start of <paramref name="source"/>; returns the bytes it took, or 0 when it is cut off or longer than ten bytes.</summary>
    public static int Read(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        for (var i = 0; i < Math.Min(source.Length, 10); i++)
        {
            value |= (ulong)(source[i] & 0x7F) << (7 * i);
            if (source[i] < 0x80)
            {
                return i + 1;
            }
        }

        return 0;
    }
}
