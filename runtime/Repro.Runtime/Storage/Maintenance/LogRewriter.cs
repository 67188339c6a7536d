using Repro.Events;
using Repro.Pipeline;
using Repro.Wal;

namespace Repro.Storage.Maintenance;

/// <summary>
/// Copies a run's log record by record into new segments (in the folder a rewrite is swapped in from), letting the
/// caller write each record as it is, changed, or replaced. Segment headers are written anew with the same run and
/// source. Used by downsampling and redaction.
/// </summary>
internal static class LogRewriter
{
    private const long SegmentSize = 64L * 1024 * 1024;

    /// <summary>Reads every record of <paramref name="wal"/> in order and hands it to <paramref name="onRecord"/> with the output; <paramref name="onEnd"/> runs before the output is closed and synced.</summary>
    /// <param name="wal">The log to read.</param>
    /// <param name="rewriting">The folder of the new segments.</param>
    /// <param name="onRecord">Gets each record other than segment headers: its raw payload, the parsed record, and the output.</param>
    /// <param name="onEnd">Writes what is left once every record was read.</param>
    public static void Rewrite(string wal, string rewriting, Action<ReadOnlyMemory<byte>, Record, SegmentedWal> onRecord, Action<SegmentedWal>? onEnd = null)
    {
        SegmentedWal? output = null;
        try
        {
            foreach (var segment in WalReader.ListSegments(wal))
            {
                foreach (var raw in WalReader.ReadSegment(segment))
                {
                    var record = Events.Packing.PackedScalarDecoder.ParseRecord(raw.Payload.Span);
                    if (record.BodyCase == Record.BodyOneofCase.Header)
                    {
                        var header = record.Header;
                        output ??= new SegmentedWal(rewriting, SegmentSize, index => RecordBuffer.SegmentHeader(new Ulid(header.RunId.Span), index, header.Source));
                        continue;
                    }

                    onRecord(raw.Payload, record, output ?? throw new InvalidDataException($"{segment} does not start with a segment header."));
                }
            }

            if (output is not null)
            {
                onEnd?.Invoke(output);
                output.Dispose();
                output = null;
            }
        }
        finally
        {
            output?.DisposeQuietly();
        }
    }

    /// <summary>A record's payload framed for the WAL.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[WalFraming.FrameSize(payload.Length)];
        payload.CopyTo(frame.AsSpan(WalFormat.HeaderSize));
        WalFraming.FrameInPlace(frame, payload.Length);
        return frame;
    }
}
