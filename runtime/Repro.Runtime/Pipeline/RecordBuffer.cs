using Google.Protobuf;
using Repro.Events;
using Repro.Wal;

namespace Repro.Pipeline;

/// <summary>
/// The bytes of one writer pass: framed WAL records appended one after another, handed to the
/// operating system in one write. Assigns event ids and sequence numbers, and keeps timestamps
/// from ever going back in sequence order.
/// </summary>
/// <remarks>
/// Owned by the writer thread. Every record stays within <see cref="WalFormat.MaxPayloadSize"/>:
/// scalar batches are split, and an event too large to frame is replaced by a text event that says
/// so, because a record the reader would refuse must never reach the log (nor stop the writer).
/// </remarks>
internal sealed class RecordBuffer
{
    /// <summary>Scalars per batch record such that the record is always under the record size limit.</summary>
    internal const int MaxScalarsPerRecord = (WalFormat.MaxPayloadSize - 1024) / (5 + 10 + 10 + 8);

    private readonly ByteString _runId;
    private readonly RunClock _clock;
    private readonly Record _record = new();
    private readonly ScalarBatchEncoder _encoder = new();
    private byte[] _buffer = new byte[256 * 1024];
    private readonly bool _packScalars;
    private long _lastTicks;

    public RecordBuffer(Ulid runId, RunClock clock, bool packScalars = true)
    {
        _packScalars = packScalars;
        _runId = ByteString.CopyFrom(runId.ToByteArray());
        _clock = clock;
        _lastTicks = long.MinValue;
    }

    /// <summary>Bytes appended since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Sequence number of the last event appended.</summary>
    public ulong Sequence { get; private set; }

    /// <summary>Events replaced because they were over the record size limit.</summary>
    public int Oversized { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>
    /// Appends <paramref name="evt"/> stamped at <paramref name="ticks"/> (Stopwatch ticks), or at the
    /// previous event's time if that is later: the log's time axis never runs backwards.
    /// </summary>
    public void AppendEvent(Event evt, long ticks)
    {
        evt.TimestampUnixNanos = _clock.ToUnixNanos(Monotonic(ticks));
        evt.EventId = UnsafeByteOperations.UnsafeWrap(Ulid.NewUlid().ToByteArray());
        evt.RunId = _runId;
        evt.Sequence = ++Sequence;
        _record.Event = evt;
        var size = _record.CalculateSize();
        if (size > WalFormat.MaxPayloadSize)
        {
            Oversized++;
            evt.ClearValue();
            evt.Tags.Clear();
            evt.Text = new Text
            {
                Level = Text.Types.Level.Error,
                Message = $"Event '{Truncate(evt.Name)}' was {size} bytes, over the WAL's {WalFormat.MaxPayloadSize}-byte record limit; it was not recorded.",
            };
            evt.Name = "event_too_large";
            size = _record.CalculateSize();
        }

        var frame = WalFraming.FrameSize(size);
        EnsureCapacity(frame);
        var target = _buffer.AsSpan(Length, frame);
        _record.WriteTo(target.Slice(WalFormat.HeaderSize, size));
        WalFraming.FrameInPlace(target, size);
        Length += frame;
    }

    /// <summary>Appends <paramref name="entries"/> as scalar batch records (clamping their times, see <see cref="AppendEvent"/>).</summary>
    public void AppendScalars(Span<ScalarEntry> entries)
    {
        foreach (ref var entry in entries)
        {
            entry.Timestamp = Monotonic(entry.Timestamp);
        }

        while (entries.Length > 0)
        {
            var count = Math.Min(entries.Length, MaxScalarsPerRecord);
            EncodeBatch(entries[..count]);
            entries = entries[count..];
        }
    }

    /// <summary>The framed header record of segment <paramref name="index"/>.</summary>
    public static byte[] SegmentHeader(Ulid runId, int index, Source source)
    {
        var record = new Record
        {
            Header = new SegmentHeader
            {
                SchemaVersion = SchemaVersion._1,
                RunId = ByteString.CopyFrom(runId.ToByteArray()),
                SegmentIndex = (uint)index,
                Source = source,
            },
        };
        var size = record.CalculateSize();
        var frame = new byte[WalFraming.FrameSize(size)];
        record.WriteTo(frame.AsSpan(WalFormat.HeaderSize, size));
        WalFraming.FrameInPlace(frame, size);
        return frame;
    }

    private void EncodeBatch(ReadOnlySpan<ScalarEntry> entries)
    {
        var firstEventId = Ulid.NewUlid();
        Span<byte> idBytes = stackalloc byte[16];
        firstEventId.TryWriteBytes(idBytes);
        EnsureCapacity(WalFraming.FrameSize(ScalarBatchEncoder.MaxEncodedSize(entries.Length)));
        var target = _buffer.AsSpan(Length);
        var size = _packScalars
            ? _encoder.EncodePacked(target[WalFormat.HeaderSize..], entries, idBytes, Sequence + 1, _clock)
            : _encoder.Encode(target[WalFormat.HeaderSize..], entries, idBytes, Sequence + 1, _clock);
        WalFraming.FrameInPlace(target, size);
        Length += WalFraming.FrameSize(size);
        Sequence += (ulong)entries.Length;
    }

    private long Monotonic(long ticks)
    {
        if (ticks < _lastTicks)
        {
            return _lastTicks;
        }

        _lastTicks = ticks;
        return ticks;
    }

    private void EnsureCapacity(int bytes)
    {
        if (_buffer.Length - Length < bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
        }
    }

    private static string Truncate(string name) => name.Length <= 200 ? name : name[..200] + "…";
}
