using System.Buffers.Binary;

namespace Repro.Wal;

/// <summary>
/// Streams records back from WAL segments, checking both CRCs of every record.
/// </summary>
/// <remarks>
/// A damaged record is never returned. The reader reports it (segment, offset, reason) and looks
/// for the next position where a whole record passes both CRCs; reading resumes there, or ends when
/// there is none, as with the torn tail a crash leaves. Nothing here throws for damaged content.
/// </remarks>
public static class WalReader
{
    /// <summary>Reads every intact record of one segment, in order.</summary>
    /// <param name="segmentPath">The segment file.</param>
    /// <param name="onCorruption">Called for each damaged stretch.</param>
    public static IEnumerable<WalRecord> ReadSegment(string segmentPath, Action<WalCorruption>? onCorruption = null)
        => ReadSegment(segmentPath, 0, onCorruption);

    /// <summary>Reads every intact record of one segment from <paramref name="startOffset"/> on, in order.</summary>
    /// <param name="segmentPath">The segment file.</param>
    /// <param name="startOffset">Where a record starts (0, or an offset a reader returned); see <see cref="IsRecordAt"/>.</param>
    /// <param name="onCorruption">Called for each damaged stretch.</param>
    public static IEnumerable<WalRecord> ReadSegment(string segmentPath, long startOffset, Action<WalCorruption>? onCorruption = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segmentPath);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        return ReadSegmentIterator(segmentPath, startOffset, onCorruption);
    }

    /// <summary>
    /// Whether a whole record that passes both CRCs starts at <paramref name="offset"/> of the segment:
    /// the check a reader makes before trusting a stored position.
    /// </summary>
    public static bool IsRecordAt(string segmentPath, long offset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segmentPath);
        if (offset < 0 || !File.Exists(segmentPath))
        {
            return false;
        }

        using var stream = new FileStream(segmentPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
        if (offset >= stream.Length)
        {
            return false;
        }

        stream.Position = offset;
        var header = new byte[WalFormat.HeaderSize];
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return ReadRecord(stream, header, read, new byte[WalFormat.FooterSize]).Problem is null;
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

    private static IEnumerable<WalRecord> ReadSegmentIterator(string segmentPath, long startOffset, Action<WalCorruption>? onCorruption)
    {
        // ReadWrite sharing: a run that is still being written can be read.
        using var stream = new FileStream(segmentPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        var header = new byte[WalFormat.HeaderSize];
        var footer = new byte[WalFormat.FooterSize];
        var offset = startOffset;
        while (true)
        {
            stream.Position = offset;
            var headerRead = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (headerRead == 0)
            {
                yield break;
            }

            var (payload, problem) = ReadRecord(stream, header, headerRead, footer);
            if (problem is null)
            {
                yield return new WalRecord(offset, payload!);
                offset += WalFraming.FrameSize(payload!.Length);
                continue;
            }

            var resumedAt = FindNextRecord(stream, offset + 1);
            onCorruption?.Invoke(new WalCorruption(segmentPath, offset, problem, resumedAt));
            if (resumedAt is null)
            {
                yield break;
            }

            offset = resumedAt.Value;
        }
    }

    private static (byte[]? Payload, string? Problem) ReadRecord(FileStream stream, byte[] header, int headerRead, byte[] footer)
    {
        if (headerRead < header.Length)
        {
            return (null, $"truncated header: {headerRead} of {header.Length} bytes");
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (Crc32C.ComputeMasked(header.AsSpan(0, sizeof(ulong))) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(sizeof(ulong))))
        {
            return (null, "length checksum mismatch");
        }

        if (length > WalFormat.MaxPayloadSize)
        {
            return (null, $"record length {length} exceeds the maximum of {WalFormat.MaxPayloadSize}");
        }

        var payload = new byte[(int)length];
        var payloadRead = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        var footerRead = payloadRead < payload.Length ? 0 : stream.ReadAtLeast(footer, footer.Length, throwOnEndOfStream: false);
        if (payloadRead < payload.Length || footerRead < footer.Length)
        {
            return (null, $"truncated record: expected {length} payload bytes and a checksum");
        }

        return Crc32C.ComputeMasked(payload) != BinaryPrimitives.ReadUInt32LittleEndian(footer)
            ? (null, "payload checksum mismatch")
            : (payload, null);
    }

    /// <summary>
    /// The first offset at or after <paramref name="start"/> where a whole record passes both CRCs.
    /// Two independent 32-bit checks make a false match practically impossible.
    /// </summary>
    private static long? FindNextRecord(FileStream stream, long start)
    {
        if (start >= stream.Length)
        {
            return null;
        }

        var rest = new byte[stream.Length - start];
        stream.Position = start;
        stream.ReadExactly(rest);
        for (var at = 0; at + WalFormat.HeaderSize + WalFormat.FooterSize <= rest.Length; at++)
        {
            var candidate = rest.AsSpan(at);
            if (Crc32C.ComputeMasked(candidate[..sizeof(ulong)]) != BinaryPrimitives.ReadUInt32LittleEndian(candidate[sizeof(ulong)..]))
            {
                continue;
            }

            var length = BinaryPrimitives.ReadUInt64LittleEndian(candidate);
            if (length > WalFormat.MaxPayloadSize || (ulong)candidate.Length < (ulong)WalFraming.FrameSize((int)length))
            {
                continue;
            }

            var payload = candidate.Slice(WalFormat.HeaderSize, (int)length);
            if (Crc32C.ComputeMasked(payload) == BinaryPrimitives.ReadUInt32LittleEndian(candidate[(WalFormat.HeaderSize + (int)length)..]))
            {
                return start + at;
            }
        }

        return null;
    }
}
