using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Repro.Events.Packing;

/// <summary>
/// Reads the bit fields a <see cref="BitWriter"/> wrote. Reading past the end throws
/// <see cref="InvalidDataException"/>: a packed batch that claims more scalars than it holds is damaged.
/// </summary>
/// <remarks>
/// The next unread bits are kept left-aligned in a 64-bit window that is refilled eight bytes at a time, so
/// reading a bit or a field is a shift and a compare; the data is touched once per refill, not once per bit.
/// </remarks>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;

    // The next bits of the stream, most significant first; the first _available of them are counted as read in.
    // Bits beyond those may already hold the stream's following bits (a refill ORs them in again, unchanged).
    private ulong _window;
    private int _available;
    private int _nextByte;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadBit()
    {
        if (_available == 0)
        {
            Refill(1);
        }

        var bit = _window >> 63;
        _window <<= 1;
        _available--;
        return bit != 0;
    }

    /// <summary>Reads <paramref name="count"/> bits (1 to 64) as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(int count)
    {
        if (count > 56)
        {
            // The window holds at least 57 bits after a refill: a long field is read as two halves.
            var high = Read(count - 32);
            return (high << 32) | Read(32);
        }

        if (_available < count)
        {
            Refill(count);
        }

        var value = _window >> (64 - count);
        _window <<= count;
        _available -= count;
        return value;
    }

    /// <summary>Reads whole bytes into the window until it holds at least 57 bits or the data ends; throws when fewer than <paramref name="needed"/> are left.</summary>
    private void Refill(int needed)
    {
        if (_nextByte + 8 <= _data.Length)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(_data[_nextByte..]);
            _window |= word >> _available;
            var bytes = (63 - _available) >> 3;
            _nextByte += bytes;
            _available += bytes << 3;
            return;
        }

        while (_available <= 56 && _nextByte < _data.Length)
        {
            _window |= (ulong)_data[_nextByte++] << (56 - _available);
            _available += 8;
        }

        if (_available < needed)
        {
            throw new InvalidDataException("packed scalar batch ends before its last scalar");
        }
    }
}
