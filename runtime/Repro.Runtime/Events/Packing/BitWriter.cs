using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Repro.Events.Packing;

/// <summary>
/// Appends bit fields most significant bit first, eight bytes at a time, into a buffer the caller sized
/// for the worst case (see <see cref="PackedScalarFormat.MaxBitsPerScalar"/>).
/// </summary>
internal struct BitWriter
{
    private readonly byte[] _buffer;
    private int _bytes;
    private ulong _pending;
    private int _pendingBits;

    public BitWriter(byte[] buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Appends the low <paramref name="count"/> bits (1 to 64) of <paramref name="value"/>; the bits above them must be zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong value, int count)
    {
        var total = _pendingBits + count;
        if (total < 64)
        {
            _pending = _pendingBits == 0 ? value : (_pending << count) | value;
            _pendingBits = total;
            return;
        }

        // Fill the pending word, store it, keep the rest (shift counts stay within 1..63 here: C# masks a shift by 64).
        var rest = total - 64;
        var word = _pendingBits == 0 ? value : (_pending << (64 - _pendingBits)) | (rest == 0 ? value : value >> rest);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_bytes), word);
        _bytes += 8;
        _pending = rest == 0 ? 0 : value & ((1UL << rest) - 1);
        _pendingBits = rest;
    }

    /// <summary>Stores the bits still pending (zero-padded to a whole byte); returns the bytes written in all.</summary>
    public int Finish()
    {
        if (_pendingBits > 0)
        {
            var word = _pending << (64 - _pendingBits);
            for (var shift = 56; _pendingBits > 0; shift -= 8, _pendingBits -= 8)
            {
                _buffer[_bytes++] = (byte)(word >> shift);
            }

            _pendingBits = 0;
            _pending = 0;
        }

        return _bytes;
    }
}
