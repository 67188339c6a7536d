namespace Repro.Wal;

/// <summary>
/// Constants of the write-ahead log framing, which is TFRecord's:
/// <c>uint64 length (LE) | uint32 masked CRC-32C of length | payload | uint32 masked CRC-32C of payload</c>.
/// </summary>
public static class WalFormat
{
    /// <summary>Bytes before the payload: the length and its CRC.</summary>
    public const int HeaderSize = sizeof(ulong) + sizeof(uint);

    /// <summary>Bytes after the payload: its CRC.</summary>
    public const int FooterSize = sizeof(uint);

    /// <summary>
    /// Largest payload a reader accepts. A length beyond it can only come from corruption that
    /// happened to pass the length CRC, and must not make the reader allocate gigabytes.
    /// </summary>
    public const int MaxPayloadSize = 16 * 1024 * 1024;

    /// <summary>File name extension of WAL segments.</summary>
    public const string SegmentExtension = ".log";

    /// <summary>File name of segment number <paramref name="index"/> (1-based), e.g. <c>00000001.log</c>.</summary>
    public static string SegmentFileName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        return index.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + SegmentExtension;
    }
}
