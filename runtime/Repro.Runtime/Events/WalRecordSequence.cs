using System.Collections;
using Google.Protobuf;
using Repro.Wal;

namespace Repro.Events;

/// <summary>
/// A run's WAL read back record by record: events (run id and source filled in from the segment header) and
/// intact scalar batches, in log order, from the start or from a checkpoint. Damaged and undecodable records,
/// batches that refer to undeclared metrics, and gaps in the sequence numbers are reported and skipped. After any
/// record it can say where a later read may resume (<see cref="Checkpoint"/>).
/// </summary>
/// <remarks>Enumerate it once; each enumeration reads the log again from the same starting point.</remarks>
public sealed class WalRecordSequence : IEnumerable<LogRecord>
{
    private readonly string _walDirectory;
    private readonly Action<WalCorruption>? _onCorruption;
    private readonly ulong? _expectedLastSequence;
    private readonly ReplayCheckpoint? _resumeAt;

    // Where the last returned record starts, and what a reader knows there.
    private readonly Dictionary<uint, Event> _metrics = [];
    private string _segmentName = string.Empty;
    private long _recordOffset;
    private ulong _recordFirstSequence;
    private uint? _segmentFirstRecordCrc;
    private bool _returnedAny;

    internal WalRecordSequence(string walDirectory, Action<WalCorruption>? onCorruption, ulong? expectedLastSequence, ReplayCheckpoint? resumeAt)
    {
        _walDirectory = walDirectory;
        _onCorruption = onCorruption;
        _expectedLastSequence = expectedLastSequence;
        _resumeAt = resumeAt;
    }

    /// <summary>Whether the read started at the checkpoint it was given (false: from the start of the log).</summary>
    public bool Resumed { get; private set; }

    /// <summary>The run id of the segment header read last (empty before one is read).</summary>
    public ByteString RunId { get; private set; } = ByteString.Empty;

    /// <summary>The source of the segment header read last (null before one is read).</summary>
    public Source? Source { get; private set; }

    /// <summary>The metric declarations read so far, by metric id: scalar batches name metrics only by id.</summary>
    public IReadOnlyDictionary<uint, Event> Metrics => _metrics;

    /// <summary>
    /// Where to resume after the last record returned so far: that record, which a resumed read returns again
    /// (skip its events by sequence); null before the first record.
    /// </summary>
    public ReplayCheckpoint? Checkpoint()
    {
        if (!_returnedAny)
        {
            return null;
        }

        var checkpoint = new ReplayCheckpoint
        {
            Segment = _segmentName,
            Offset = _recordOffset,
            NextSequence = _recordFirstSequence,
            RunId = RunId,
            Source = Source,
        };
        if (_segmentFirstRecordCrc is { } crc)
        {
            checkpoint.SegmentFirstRecordCrc = crc;
        }

        checkpoint.Declarations.AddRange(_metrics.Values.OrderBy(d => d.MetricDeclared.MetricId));
        return checkpoint;
    }

    /// <inheritdoc />
    public IEnumerator<LogRecord> GetEnumerator() => Iterate().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<LogRecord> Iterate()
    {
        var segments = WalReader.ListSegments(_walDirectory);
        var first = 0;
        long firstOffset = 0;
        ulong next = 1;
        _metrics.Clear();
        RunId = ByteString.Empty;
        Source = null;
        _returnedAny = false;
        Resumed = false;
        if (_resumeAt is { } resume && FindResumeSegment(segments, resume) is { } index)
        {
            Resumed = true;
            first = index;
            firstOffset = resume.Offset;
            next = resume.NextSequence;
            RunId = resume.RunId;
            Source = resume.Source;
            foreach (var declaration in resume.Declarations)
            {
                _metrics[declaration.MetricDeclared.MetricId] = declaration;
            }
        }

        var lastSegment = string.Empty;
        for (var s = first; s < segments.Count; s++)
        {
            var segment = segments[s];
            lastSegment = segment;
            var segmentName = Path.GetFileName(segment);
            uint? firstRecordCrc = s == first && Resumed && _resumeAt!.HasSegmentFirstRecordCrc ? _resumeAt.SegmentFirstRecordCrc : null;
            foreach (var raw in WalReader.ReadSegment(segment, s == first ? firstOffset : 0, _onCorruption))
            {
                if (raw.Offset == 0)
                {
                    firstRecordCrc = Crc32C.ComputeMasked(raw.Payload.Span);
                }

                Record record;
                try
                {
                    record = Packing.PackedScalarDecoder.ParseRecord(raw.Payload.Span);
                }
                catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
                {
                    // The CRCs matched, so these are the bytes that were written: a format this reader does not know.
                    _onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, $"undecodable record: {e.Message}", EndOf(raw)));
                    continue;
                }

                switch (record.BodyCase)
                {
                    case Record.BodyOneofCase.Header:
                        if (record.Header.SchemaVersion > SchemaVersion._1)
                        {
                            _onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, $"schema version {record.Header.SchemaVersion} is newer than this reader understands"));
                            yield break;
                        }

                        Source = record.Header.Source;
                        RunId = record.Header.RunId;
                        break;
                    case Record.BodyOneofCase.Event:
                        var evt = record.Event;
                        evt.Source ??= Source;
                        if (evt.RunId.IsEmpty)
                        {
                            evt.RunId = RunId;
                        }

                        if (evt.ValueCase == Event.ValueOneofCase.MetricDeclared)
                        {
                            _metrics[evt.MetricDeclared.MetricId] = evt;
                        }

                        WalEventReader.ReportGap(ref next, evt.Sequence, Math.Max(1, evt.SequenceSpan), segment, raw.Offset, _onCorruption);
                        MarkRecord(segmentName, firstRecordCrc, raw.Offset, evt.Sequence);
                        yield return new LogRecord(record, segment, raw.Offset);
                        break;
                    case Record.BodyOneofCase.Scalars:
                        var batch = record.Scalars;
                        var problem = WalEventReader.Validate(batch, _metrics);
                        if (problem is not null)
                        {
                            _onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, problem, EndOf(raw)));
                            continue;
                        }

                        WalEventReader.ReportGap(ref next, batch.FirstSequence, (ulong)batch.Values.Count, segment, raw.Offset, _onCorruption);
                        if (batch.Values.Count > 0)
                        {
                            MarkRecord(segmentName, firstRecordCrc, raw.Offset, batch.FirstSequence);
                            yield return new LogRecord(record, segment, raw.Offset);
                        }

                        break;
                }
            }
        }

        if (_expectedLastSequence is { } last && next <= last)
        {
            var length = lastSegment.Length > 0 && File.Exists(lastSegment) ? new FileInfo(lastSegment).Length : 0;
            _onCorruption?.Invoke(new WalCorruption(lastSegment, length, $"the log ends at event {next - 1} but the run recorded {last} events"));
        }
    }

    private void MarkRecord(string segmentName, uint? segmentFirstRecordCrc, long offset, ulong firstSequence)
    {
        _segmentName = segmentName;
        _segmentFirstRecordCrc = segmentFirstRecordCrc;
        _recordOffset = offset;
        _recordFirstSequence = firstSequence;
        _returnedAny = true;
    }

    /// <summary>
    /// The index of the checkpoint's segment when a record starts at its offset and the segment's first
    /// record is intact and the one the checkpoint saw; null when the checkpoint does not fit this log.
    /// </summary>
    private static int? FindResumeSegment(IReadOnlyList<string> segments, ReplayCheckpoint resume)
    {
        if (resume.Segment.Length == 0 || !resume.HasSegmentFirstRecordCrc)
        {
            return null;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            if (string.Equals(Path.GetFileName(segments[i]), resume.Segment, StringComparison.Ordinal))
            {
                return WalReader.IsRecordAt(segments[i], resume.Offset) && FirstRecordCrc(segments[i]) == resume.SegmentFirstRecordCrc ? i : null;
            }
        }

        return null;
    }

    /// <summary>The masked CRC of the payload of the segment's first record when that record is intact; null otherwise.</summary>
    private static uint? FirstRecordCrc(string segment)
    {
        foreach (var raw in WalReader.ReadSegment(segment))
        {
            return raw.Offset == 0 ? Crc32C.ComputeMasked(raw.Payload.Span) : null;
        }

        return null;
    }

    private static long EndOf(WalRecord raw) => raw.Offset + raw.Payload.Length + WalFormat.HeaderSize + WalFormat.FooterSize;
}
