using System.Collections.Concurrent;

namespace Repro.Events;

/// <summary>
/// Records of a run's log cut into parts of at least a given number of events and scalars (whole records), with
/// the metric declarations the part's batches name and where a later read may resume after it.
/// </summary>
/// <param name="Records">The records, in log order.</param>
/// <param name="Metrics">The metric declarations read up to the part's last record, by metric id.</param>
/// <param name="LastSequence">The sequence number of the part's last event or scalar.</param>
/// <param name="Checkpoint">Where to resume after the part's last record (null only before any record).</param>
internal sealed record LogPart(List<LogRecord> Records, Dictionary<uint, Event> Metrics, ulong LastSequence, ReplayCheckpoint? Checkpoint);

/// <summary>
/// Reads a run's log on a second thread while the caller works on the part read before: reading and expanding a
/// packed batch costs about as much as encoding its scalars into a file or an index, so the two overlap. At most
/// two parts wait beside the one being worked on. Damage reports come from the reading thread.
/// </summary>
internal static class LogReadAhead
{
    /// <summary>
    /// The records of <paramref name="log"/> whose last sequence number is past <paramref name="after"/>, in parts
    /// of at least <paramref name="partSize"/> events and scalars. Stopping the enumeration early stops the reader;
    /// what the reader throws is thrown here once the parts read before it are consumed.
    /// </summary>
    public static IEnumerable<LogPart> Parts(WalRecordSequence log, ulong after, int partSize)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partSize);
        return Iterate(log, after, partSize);
    }

    /// <summary>How many events or scalars a record holds, and the sequence number of its last.</summary>
    public static (long Count, ulong Last) Extent(Record record) => record.BodyCase == Record.BodyOneofCase.Scalars
        ? (record.Scalars.Values.Count, record.Scalars.FirstSequence + (ulong)record.Scalars.Values.Count - 1)
        : (1, record.Event.Sequence);

    private static IEnumerable<LogPart> Iterate(WalRecordSequence log, ulong after, int partSize)
    {
        using var parts = new BlockingCollection<LogPart>(boundedCapacity: 1);
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() => Read(log, after, partSize, parts, stop.Token), CancellationToken.None);
        try
        {
            foreach (var part in parts.GetConsumingEnumerable(CancellationToken.None))
            {
                yield return part;
            }

            reader.GetAwaiter().GetResult(); // what the reader threw, if anything
        }
        finally
        {
            stop.Cancel();
            try
            {
                reader.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Stopped early by the consumer, or failed and rethrown above.
            }
        }
    }

    private static void Read(WalRecordSequence log, ulong after, int partSize, BlockingCollection<LogPart> parts, CancellationToken stop)
    {
        try
        {
            var records = new List<LogRecord>();
            Dictionary<uint, Event>? declared = null;
            long units = 0;
            ulong last = 0;
            foreach (var record in log)
            {
                // The declarations as of this record (a resumed read starts with the checkpoint's).
                declared ??= new Dictionary<uint, Event>(log.Metrics);
                if (record.Record.Event is { ValueCase: Event.ValueOneofCase.MetricDeclared } declaration)
                {
                    var id = declaration.MetricDeclared.MetricId;
                    if (records.Count > 0 && declared.TryGetValue(id, out var before) && !SameMetric(before, declaration))
                    {
                        // An id that now names another metric: the batches before it are handed over with the old name.
                        parts.Add(new LogPart(records, new Dictionary<uint, Event>(declared), last, log.Checkpoint()), stop);
                        records = [];
                        units = 0;
                    }

                    declared[id] = declaration;
                }

                var (count, end) = Extent(record.Record);
                if (end <= after)
                {
                    continue; // a read resumed at a record returns that record again
                }

                records.Add(record);
                units += count;
                last = end;
                if (units >= partSize)
                {
                    parts.Add(new LogPart(records, new Dictionary<uint, Event>(declared), last, log.Checkpoint()), stop);
                    records = [];
                    units = 0;
                }
            }

            if (records.Count > 0)
            {
                parts.Add(new LogPart(records, new Dictionary<uint, Event>(declared!), last, log.Checkpoint()), stop);
            }
        }
        finally
        {
            parts.CompleteAdding();
        }
    }

    private static bool SameMetric(Event a, Event b) =>
        a.Name == b.Name && a.MetricDeclared.Equals(b.MetricDeclared) && a.Tags.Equals(b.Tags);
}
