using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Repro.Wal;

namespace Repro.Events;

/// <summary>
/// Reads a run's WAL back as events: scalar batches are expanded into one <see cref="Event"/> per
/// scalar (id, sequence, step, time and name restored), and every event gets the run id and source
/// of its segment's header.
/// </summary>
public static class WalEventReader
{
    /// <summary>Streams the events of the WAL in <paramref name="walDirectory"/>, in log order.</summary>
    /// <param name="walDirectory">The run's <c>wal</c> folder.</param>
    /// <param name="onCorruption">
    /// Called for each damaged stretch (its records are skipped, never returned) and for each gap in
    /// the sequence numbers, which reveals records lost without damage to their neighbours, such as
    /// a segment cut exactly between two records.
    /// </param>
    /// <param name="expectedLastSequence">For an ended run, its manifest's last sequence number: a log that stops short is reported.</param>
    public static IEnumerable<Event> Read(string walDirectory, Action<WalCorruption>? onCorruption = null, ulong? expectedLastSequence = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(walDirectory);
        return ReadIterator(walDirectory, onCorruption, expectedLastSequence);
    }

    /// <summary>The event id of the <paramref name="index"/>-th scalar of a batch: the first id plus the index, as a 128-bit integer.</summary>
    public static ByteString OffsetEventId(ByteString first, ulong index)
    {
        if (first.Length != 16)
        {
            throw new InvalidDataException("A scalar batch's first event id must be 16 bytes.");
        }

        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, BinaryPrimitives.ReadUInt128BigEndian(first.Span) + index);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static IEnumerable<Event> ReadIterator(string walDirectory, Action<WalCorruption>? onCorruption, ulong? expectedLastSequence)
    {
        ulong next = 1;
        var lastSegment = string.Empty;
        var metrics = new Dictionary<uint, Event>();
        // A run has one writer, so every segment header carries the same run id and source; a
        // damaged header therefore costs nothing when an earlier segment's header was intact.
        Source? source = null;
        var runId = ByteString.Empty;
        foreach (var segment in WalReader.ListSegments(walDirectory))
        {
            lastSegment = segment;
            foreach (var raw in WalReader.ReadSegment(segment, onCorruption))
            {
                Record record;
                try
                {
                    record = Record.Parser.ParseFrom(raw.Payload.Span);
                }
                catch (InvalidProtocolBufferException e)
                {
                    // The CRCs matched, so these are the bytes that were written: a format this reader does not know.
                    onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, $"undecodable record: {e.Message}", raw.Offset + raw.Payload.Length + WalFormat.HeaderSize + WalFormat.FooterSize));
                    continue;
                }

                switch (record.BodyCase)
                {
                    case Record.BodyOneofCase.Header:
                        if (record.Header.SchemaVersion > SchemaVersion._1)
                        {
                            onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, $"schema version {record.Header.SchemaVersion} is newer than this reader understands"));
                            yield break;
                        }

                        source = record.Header.Source;
                        runId = record.Header.RunId;
                        break;
                    case Record.BodyOneofCase.Event:
                        var evt = record.Event;
                        evt.Source ??= source;
                        if (evt.RunId.IsEmpty)
                        {
                            evt.RunId = runId;
                        }

                        if (evt.ValueCase == Event.ValueOneofCase.MetricDeclared)
                        {
                            metrics[evt.MetricDeclared.MetricId] = evt;
                        }

                        ReportGap(ref next, evt.Sequence, 1, segment, raw.Offset, onCorruption);
                        yield return evt;
                        break;
                    case Record.BodyOneofCase.Scalars:
                        var batch = record.Scalars;
                        var problem = Validate(batch, metrics);
                        if (problem is not null)
                        {
                            onCorruption?.Invoke(new WalCorruption(segment, raw.Offset, problem, raw.Offset + raw.Payload.Length + WalFormat.HeaderSize + WalFormat.FooterSize));
                            continue;
                        }

                        ReportGap(ref next, batch.FirstSequence, (ulong)batch.Values.Count, segment, raw.Offset, onCorruption);
                        foreach (var scalar in Expand(batch, metrics, runId, source))
                        {
                            yield return scalar;
                        }

                        break;
                }
            }
        }

        if (expectedLastSequence is { } last && next <= last)
        {
            var length = lastSegment.Length > 0 && File.Exists(lastSegment) ? new FileInfo(lastSegment).Length : 0;
            onCorruption?.Invoke(new WalCorruption(lastSegment, length, $"the log ends at event {next - 1} but the run recorded {last} events"));
        }
    }

    private static void ReportGap(ref ulong next, ulong first, ulong count, string segment, long offset, Action<WalCorruption>? onCorruption)
    {
        if (first != next)
        {
            var what = first > next ? $"events {next} to {first - 1} are missing" : $"sequence goes back from {next - 1} to {first}";
            onCorruption?.Invoke(new WalCorruption(segment, offset, what, offset));
        }

        next = first + count;
    }

    private static string? Validate(ScalarBatch batch, Dictionary<uint, Event> metrics)
    {
        var count = batch.Values.Count;
        if (batch.MetricIds.Count != count || batch.StepDeltas.Count != count || batch.TimestampDeltasNanos.Count != count || batch.FirstEventId.Length != 16)
        {
            return "malformed scalar batch: columns of different lengths or a bad first event id";
        }

        foreach (var id in batch.MetricIds)
        {
            if (!metrics.ContainsKey(id))
            {
                return $"scalar batch refers to metric id {id}, which was never declared";
            }
        }

        return null;
    }

    private static IEnumerable<Event> Expand(ScalarBatch batch, Dictionary<uint, Event> metrics, ByteString runId, Source? source)
    {
        long step = 0;
        var time = batch.FirstTimestampUnixNanos;
        for (var i = 0; i < batch.Values.Count; i++)
        {
            step += batch.StepDeltas[i];
            time += batch.TimestampDeltasNanos[i];
            var declaration = metrics[batch.MetricIds[i]];
            var evt = new Event
            {
                EventId = OffsetEventId(batch.FirstEventId, (ulong)i),
                RunId = runId,
                Sequence = batch.FirstSequence + (ulong)i,
                TimestampUnixNanos = time,
                Step = step,
                Name = declaration.Name,
                Source = source,
                Scalar = ScalarOf(batch.Values[i], declaration.MetricDeclared.ValueType),
            };
            CopyTags(declaration.Tags, evt.Tags);
            yield return evt;
        }
    }

    /// <summary>Integer metrics (value types 2 and 3) keep their 64 bits in the value column.</summary>
    private static Scalar ScalarOf(double raw, int valueType)
    {
        if (valueType is 2 or 3)
        {
            var exact = BitConverter.DoubleToInt64Bits(raw);
            return new Scalar { Value = exact, IntValue = exact };
        }

        return new Scalar { Value = raw };
    }

    private static void CopyTags(MapField<string, string> from, MapField<string, string> to)
    {
        foreach (var (key, value) in from)
        {
            to.Add(key, value);
        }
    }
}
