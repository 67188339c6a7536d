using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Repro;

/// <summary>
/// Hash codes for strings that are the same in every process, on every machine and in every .NET version:
/// XxHash32 (seed 0) of the string's UTF-8 bytes. Use it where <see cref="string.GetHashCode()"/>, which .NET
/// randomises per process, would decide something that must repeat: a seed, a shard, a train/validation split
/// (analyzer rule REPRO1006).
/// </summary>
public static class StableHash
{
    // Strings up to this many UTF-8 bytes are hashed from the stack; longer ones from a pooled buffer.
    private const int StackLimit = 512;

    /// <summary>The stable 32-bit hash of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static int Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        var bytes = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(value, bytes);
            return unchecked((int)XxHash32.HashToUInt32(bytes[..written]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A bucket in [0, <paramref name="buckets"/>) for <paramref name="value"/>, the same in every run; for splits and shards.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="buckets"/> is not positive.</exception>
    public static int Bucket(string value, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        return (int)((uint)Of(value) % (uint)buckets);
    }
}
