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
        return new WalEventSequence(walDirectory, onCorruption, expectedLastSequence, resumeAt: null);
    }

    /// <summary>
    /// Streams the events of the WAL from a checkpoint a previous read returned
    /// (<see cref="WalEventSequence.Checkpoint"/>) onward, so a reader that has seen most of a long log reads
    /// only its end. A checkpoint that does not match the log (another run, a segment gone, no record at
    /// its offset) is ignored and the log is read from the start; <see cref="WalEventSequence.Resumed"/> says which.
    /// Events at the checkpoint's record that the caller has already seen are returned again: skip them by sequence.
    /// </summary>
    public static WalEventSequence ReadFrom(string walDirectory, ReplayCheckpoint? resumeAt, Action<WalCorruption>? onCorruption = null, ulong? expectedLastSequence = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(walDirectory);
        return new WalEventSequence(walDirectory, onCorruption, expectedLastSequence, resumeAt);
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

    internal static void ReportGap(ref ulong next, ulong first, ulong count, string segment, long offset, Action<WalCorruption>? onCorruption)
    {
        if (first != next)
        {
            var what = first > next ? $"events {next} to {first - 1} are missing" : $"sequence goes back from {next - 1} to {first}";
            onCorruption?.Invoke(new WalCorruption(segment, offset, what, offset));
        }

        next = first + count;
    }

    internal static string? Validate(ScalarBatch batch, IReadOnlyDictionary<uint, Event> metrics)
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

    /// <summary>
    /// The events of a log read record by record: events as they are, scalar batches expanded into one event per
    /// scalar with the metric declarations, run id and source known when each batch is reached.
    /// </summary>
    internal static IEnumerable<Event> Expand(IEnumerable<LogRecord> records, Func<IReadOnlyDictionary<uint, Event>> metrics, Func<ByteString> runId, Func<Source?> source)
    {
        foreach (var record in records)
        {
            if (record.Record.BodyCase == Record.BodyOneofCase.Event)
            {
                yield return record.Record.Event;
                continue;
            }

            foreach (var scalar in Expand(record.Record.Scalars, metrics(), runId(), source()))
            {
                yield return scalar;
            }
        }
    }

    internal static IEnumerable<Event> Expand(ScalarBatch batch, IReadOnlyDictionary<uint, Event> metrics, ByteString runId, Source? source)
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
        if (from.Count == 0)
        {
            return; // most metrics have no tags: no enumerator for them, once per scalar read
        }

        foreach (var (key, value) in from)
        {
            to.Add(key, value);
        }
    }
}
