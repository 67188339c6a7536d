using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Repro.Wal;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of the TFRecord framing that the write-ahead log uses.
/// </summary>
/// <remarks>
/// Built on <see cref="BitOperations.Crc32C(uint, ulong)"/>, which the runtime maps to the SSE4.2 /
/// ARMv8 CRC instructions where present and to its own table otherwise.
/// </remarks>
public static class Crc32C
{
    /// <summary>The TFRecord mask constant added after the rotation.</summary>
    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>
    /// Masks a CRC as TFRecord does (rotate right by 15 bits, add 0xa282ead8), so that the CRC of data
    /// that itself contains CRCs does not degrade.
    /// </summary>
    public static uint Mask(uint crc) => BitOperations.RotateRight(crc, 15) + MaskDelta;

    /// <summary>Reverses <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked) => BitOperations.RotateLeft(masked - MaskDelta, 15);

    /// <summary>Computes the masked CRC-32C of <paramref name="data"/>.</summary>
    public static uint ComputeMasked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    // Every record written and read: compiled fully optimised at once rather than after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
