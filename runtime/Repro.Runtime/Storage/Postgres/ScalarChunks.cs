using Repro.Events;

namespace Repro.Storage.Postgres;

/// <summary>
/// One row of the store's scalars table: the scalars of one WAL batch that belong to one metric, as columns.
/// A batch's rows are a function of the batch alone, so shipping it again yields the same rows and keys.
/// </summary>
internal sealed class ScalarChunk
{
    public required Guid FirstEventId { get; init; }

    public required uint MetricId { get; init; }

    public List<int> Offsets { get; } = [];

    public List<long> Steps { get; } = [];

    public List<long> Times { get; } = [];

    public List<double> Values { get; } = [];
}

/// <summary>Splits a WAL scalar batch by metric, and puts a batch back together from its rows.</summary>
internal static class ScalarChunks
{
    /// <summary>The batch's scalars grouped by metric, in order of each metric's first scalar.</summary>
    public static List<ScalarChunk> Split(ScalarBatch batch)
    {
        var chunks = new List<ScalarChunk>();
        var byMetric = new Dictionary<uint, ScalarChunk>();
        long step = 0;
        var time = batch.FirstTimestampUnixNanos;
        for (var i = 0; i < batch.Values.Count; i++)
        {
            step += batch.StepDeltas[i];
            time += batch.TimestampDeltasNanos[i];
            var metric = batch.MetricIds[i];
            if (!byMetric.TryGetValue(metric, out var chunk))
            {
                chunk = new ScalarChunk { FirstEventId = EventIds.ToGuid(WalEventReader.OffsetEventId(batch.FirstEventId, (ulong)i).Span), MetricId = metric };
                byMetric[metric] = chunk;
                chunks.Add(chunk);
            }

            chunk.Offsets.Add(i);
            chunk.Steps.Add(step);
            chunk.Times.Add(time);
            chunk.Values.Add(batch.Values[i]);
        }

        return chunks;
    }

    /// <summary>
    /// The WAL batch whose rows these are: every scalar put back at its offset, steps and times as deltas again.
    /// </summary>
    /// <exception cref="InvalidDataException">The rows do not make up one whole batch.</exception>
    public static ScalarBatch Join(ulong firstSequence, Guid batchEventId, int count, long firstTime, IReadOnlyList<(uint Metric, int[] Offsets, long[] Steps, long[] Times, double[] Values)> rows)
    {
        var metrics = new uint[count];
        var steps = new long[count];
        var times = new long[count];
        var values = new double[count];
        var filled = 0;
        foreach (var (metric, offsets, rowSteps, rowTimes, rowValues) in rows)
        {
            for (var k = 0; k < offsets.Length; k++)
            {
                var at = offsets[k];
                if ((uint)at >= (uint)count)
                {
                    throw new InvalidDataException($"scalar rows of batch {firstSequence} hold offset {at}, past the batch's {count} scalars");
                }

                metrics[at] = metric;
                steps[at] = rowSteps[k];
                times[at] = rowTimes[k];
                values[at] = rowValues[k];
                filled++;
            }
        }

        if (filled != count)
        {
            throw new InvalidDataException($"batch {firstSequence} has {filled} of its {count} scalars in the store");
        }

        var batch = new ScalarBatch
        {
            FirstEventId = Google.Protobuf.ByteString.CopyFrom(EventIds.FromGuid(batchEventId)),
            FirstSequence = firstSequence,
            FirstTimestampUnixNanos = firstTime,
        };
        long previousStep = 0;
        var previousTime = firstTime;
        for (var i = 0; i < count; i++)
        {
            batch.MetricIds.Add(metrics[i]);
            batch.StepDeltas.Add(steps[i] - previousStep);
            batch.TimestampDeltasNanos.Add(times[i] - previousTime);
            batch.Values.Add(values[i]);
            previousStep = steps[i];
            previousTime = times[i];
        }

        return batch;
    }
}

/// <summary>Event ids (16-byte ULIDs) as PostgreSQL uuids: the same 16 bytes in the same order.</summary>
internal static class EventIds
{
    public static Guid ToGuid(ReadOnlySpan<byte> id) => new(id, bigEndian: true);

    public static byte[] FromGuid(Guid id) => id.ToByteArray(bigEndian: true);
}
