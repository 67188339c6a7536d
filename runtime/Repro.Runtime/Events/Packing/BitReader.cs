using System.Buffers.Binary;

namespace Repro.Events.Packing;

/// <summary>
/// Reads the bit fields a <see cref="BitWriter"/> wrote. Reading past the end throws
/// <see cref="InvalidDataException"/>: a packed batch that claims more scalars than it holds is damaged.
/// </summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private long _position;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>Bits not read yet (padding included).</summary>
    public readonly long Remaining => ((long)_data.Length * 8) - _position;

    public bool ReadBit()
    {
        if (_position >= (long)_data.Length * 8)
        {
            ThrowPastEnd();
        }

        var bit = (_data[(int)(_position >> 3)] >> (7 - (int)(_position & 7))) & 1;
        _position++;
        return bit != 0;
    }

    /// <summary>Reads <paramref name="count"/> bits (1 to 64) as an unsigned number.</summary>
    public ulong Read(int count)
    {
        if (_position + count > (long)_data.Length * 8)
        {
            ThrowPastEnd();
        }

        var index = (int)(_position >> 3);
        var offset = (int)(_position & 7);
        if (count <= 56 && index + 8 <= _data.Length)
        {
            // Fast path: one eight-byte load holds the field (offset + count <= 63).
            var word = BinaryPrimitives.ReadUInt64BigEndian(_data[index..]);
            _position += count;
            return (word << offset) >> (64 - count);
        }

        return ReadSlowly(count);
    }

    private ulong ReadSlowly(int count)
    {
        ulong value = 0;
        var remaining = count;
        while (remaining > 0)
        {
            var index = (int)(_position >> 3);
            var offset = (int)(_position & 7);
            if (offset == 0 && remaining >= 8)
            {
                // Whole bytes: up to eight at a time.
                var whole = Math.Min(remaining >> 3, Math.Min(8, _data.Length - index));
                for (var i = 0; i < whole; i++)
                {
                    value = (value << 8) | _data[index + i];
                }

                _position += whole * 8;
                remaining -= whole * 8;
                continue;
            }

            var take = Math.Min(8 - offset, remaining);
            var bits = (_data[index] >> (8 - offset - take)) & ((1 << take) - 1);
            value = (value << take) | (uint)bits;
            _position += take;
            remaining -= take;
        }

        return value;
    }

    private static void ThrowPastEnd() => throw new InvalidDataException("packed scalar batch ends before its last scalar");
}
