using System.Buffers.Binary;

namespace Repro.Artifacts;

/// <summary>
/// The canonical form of a split's index list: distinct non-negative indices in ascending order, each a
/// little-endian 64-bit integer, nothing else. Its SHA-256 names the split; equal sets give equal bytes.
/// </summary>
public static class SplitIndices
{
    /// <summary>The media type of a stored index list.</summary>
    public const string MediaType = "application/x-repro-indices";

    /// <summary>Encodes <paramref name="indices"/> canonically (sorted here; the input order does not matter).</summary>
    /// <exception cref="ArgumentException">An index is negative or occurs twice.</exception>
    public static byte[] Encode(IEnumerable<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.ToArray();
        Array.Sort(sorted);
        var bytes = new byte[sorted.Length * sizeof(long)];
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] < 0)
            {
                throw new ArgumentException($"Split indices cannot be negative ({sorted[i]}).", nameof(indices));
            }

            if (i > 0 && sorted[i] == sorted[i - 1])
            {
                throw new ArgumentException($"Index {sorted[i]} occurs twice in the split; an example is either in it or not.", nameof(indices));
            }

            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), sorted[i]);
        }

        return bytes;
    }

    /// <summary>Decodes a stored index list.</summary>
    /// <exception cref="FormatException">The length is not a multiple of 8, or the list is not ascending and distinct.</exception>
    public static long[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(long) != 0)
        {
            throw new FormatException($"An index list holds whole 8-byte integers; this one has {bytes.Length} bytes.");
        }

        var indices = new long[bytes.Length / sizeof(long)];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * sizeof(long))..]);
            if (indices[i] < 0 || (i > 0 && indices[i] <= indices[i - 1]))
            {
                throw new FormatException($"The index list is not canonical at position {i}: indices must be non-negative, ascending and distinct.");
            }
        }

        return indices;
    }
}
