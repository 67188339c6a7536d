using System.Buffers.Binary;

namespace Repro.Wal;

/// <summary>
/// Streams records back from WAL segments, checking both CRCs of every record.
/// </summary>
/// <remarks>
/// Reading stops at the first record that is incomplete or fails a check; every record before it
/// is returned and the problem is reported through the callback, never as an exception. A torn
/// tail left by a crash therefore reads as "everything that was completely written".
/// </remarks>
public static class WalReader
{
    /// <summary>Reads every intact record of one segment, in order.</summary>
    /// <param name="segmentPath">The segment file.</param>
    /// <param name="onCorruption">Called once if the segment ends in, or contains, a bad record.</param>
    public static IEnumerable<WalRecord> ReadSegment(string segmentPath, Action<WalCorruption>? onCorruption = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segmentPath);
        return ReadSegmentIterator(segmentPath, onCorruption);
    }

    private static IEnumerable<WalRecord> ReadSegmentIterator(string segmentPath, Action<WalCorruption>? onCorruption)
    {
        // ReadWrite sharing: a run that is still being written can be read.
        using var stream = new FileStream(segmentPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        var header = new byte[WalFormat.HeaderSize];
        var footer = new byte[WalFormat.FooterSize];
        long offset = 0;
        while (true)
        {
            var headerRead = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (headerRead == 0)
            {
                yield break;
            }

            string? problem = null;
            byte[]? payload = null;
            if (headerRead < header.Length)
            {
                problem = $"truncated header: {headerRead} of {header.Length} bytes";
            }
            else
            {
                var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
                var lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(sizeof(ulong)));
                if (Crc32C.ComputeMasked(header.AsSpan(0, sizeof(ulong))) != lengthCrc)
                {
                    problem = "length checksum mismatch";
                }
                else if (length > WalFormat.MaxPayloadSize)
                {
                    problem = $"record length {length} exceeds the maximum of {WalFormat.MaxPayloadSize}";
                }
                else
                {
                    payload = new byte[(int)length];
                    var payloadRead = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
                    var footerRead = payloadRead < payload.Length ? 0 : stream.ReadAtLeast(footer, footer.Length, throwOnEndOfStream: false);
                    if (payloadRead < payload.Length || footerRead < footer.Length)
                    {
                        problem = $"truncated record: expected {length} payload bytes and a checksum";
                    }
                    else if (Crc32C.ComputeMasked(payload) != BinaryPrimitives.ReadUInt32LittleEndian(footer))
                    {
                        problem = "payload checksum mismatch";
                    }
                }
            }

            if (problem is not null)
            {
                onCorruption?.Invoke(new WalCorruption(segmentPath, offset, problem));
                yield break;
            }

            yield return new WalRecord(offset, payload!);
            offset += WalFormat.HeaderSize + payload!.Length + WalFormat.FooterSize;
        }
    }

    /// <summary>The segment files of a WAL directory, in log order (ordinal by name).</summary>
    public static IReadOnlyList<string> ListSegments(string walDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(walDirectory);
        if (!Directory.Exists(walDirectory))
        {
            return [];
        }

        var segments = Directory.GetFiles(walDirectory, "*" + WalFormat.SegmentExtension);
        Array.Sort(segments, StringComparer.Ordinal);
        return segments;
    }
}
