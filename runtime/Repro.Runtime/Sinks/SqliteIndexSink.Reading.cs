using Repro.Sinks.Index;

namespace Repro.Sinks;

public sealed partial class SqliteIndexSink
{
    /// <summary>
    /// Every scalar of one metric of a run that the index holds, in log order, optionally only those logged at
    /// steps from <paramref name="fromStep"/> to <paramref name="toStep"/>: only the chunks whose step range meets
    /// that window are read and decoded. Streams chunk by chunk, so a run of any length reads in bounded memory.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="name">The metric's name.</param>
    /// <param name="fromStep">The first step wanted.</param>
    /// <param name="toStep">The last step wanted.</param>
    /// <exception cref="InvalidDataException">A chunk is damaged or of a layout this version does not read.</exception>
    public IEnumerable<IndexedScalar> ReadScalars(string runId, string name, long fromStep = long.MinValue, long toStep = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromStep, toStep);
        return Read(runId, name, fromStep, toStep);
    }

    private IEnumerable<IndexedScalar> Read(string runId, string name, long fromStep, long toStep)
    {
        using var query = Command("""
            SELECT first_sequence, count, first_time_unix_nanos, integer, data FROM scalar_chunks
            WHERE run_id = $run AND name = $name AND max_step >= $from AND min_step <= $to ORDER BY first_sequence;
            """);
        query.Parameters.AddWithValue("$run", runId);
        query.Parameters.AddWithValue("$name", name);
        query.Parameters.AddWithValue("$from", fromStep);
        query.Parameters.AddWithValue("$to", toStep);
        using var reader = query.ExecuteReader();
        var sequences = Array.Empty<ulong>();
        var steps = Array.Empty<long>();
        var times = Array.Empty<long>();
        var bits = Array.Empty<long>();
        while (reader.Read())
        {
            var firstSequence = (ulong)reader.GetInt64(0);
            var count = reader.GetInt64(1);
            if (count is < 1 or > ChunkScalars)
            {
                throw new InvalidDataException($"{Path}: the chunk of {name} in run {runId} at sequence {firstSequence} claims {count} scalars");
            }

            if (sequences.Length < count)
            {
                sequences = new ulong[count];
                steps = new long[count];
                times = new long[count];
                bits = new long[count];
            }

            var n = (int)count;
            var integer = reader.GetInt64(3) != 0;
            try
            {
                ScalarChunkDecoder.Decode((byte[])reader.GetValue(4), firstSequence, reader.GetInt64(2), sequences.AsSpan(0, n), steps.AsSpan(0, n), times.AsSpan(0, n), bits.AsSpan(0, n));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{Path}: the chunk of {name} in run {runId} at sequence {firstSequence} cannot be read ({e.Message}); 'repro index rebuild' writes it again from the log", e);
            }

            for (var i = 0; i < n; i++)
            {
                if (steps[i] < fromStep || steps[i] > toStep)
                {
                    continue;
                }

                yield return integer
                    ? new IndexedScalar(sequences[i], steps[i], times[i], bits[i], bits[i])
                    : new IndexedScalar(sequences[i], steps[i], times[i], BitConverter.Int64BitsToDouble(bits[i]), null);
            }
        }
    }
}
