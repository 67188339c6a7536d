using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Repro.Events;
using Repro.Pipeline;
using Repro.Sinks.Index;

namespace Repro.Sinks;

public sealed partial class SqliteIndexSink
{
    private readonly ScalarChunkEncoder _chunkEncoder = new();

    // Each metric's scalars waiting to become a chunk, kept across deliveries so that their buffers are reused.
    private readonly Dictionary<string, PendingSeries> _series = new(StringComparer.Ordinal);

    /// <summary>
    /// One delivery in one write transaction: events that are not scalars become rows (by id, once), each metric's
    /// scalars past the last one the index holds for it gather into chunks of at most <see cref="ChunkScalars"/>.
    /// </summary>
    private sealed class Delivery
    {
        private readonly SqliteIndexSink _sink;
        private readonly SqliteTransaction _transaction;
        private readonly string _runId;
        private readonly List<PendingSeries> _touched = [];
        private PendingSeries?[] _byMetricId = [];
        private SqliteCommand? _insertEvent;
        private SqliteCommand? _insertChunk;
        private long _stored;

        public Delivery(SqliteIndexSink sink, SqliteTransaction transaction, string runId)
        {
            _sink = sink;
            _transaction = transaction;
            _runId = runId;

            // What a failed delivery left pending was rolled back with its transaction.
            foreach (var series in sink._series.Values)
            {
                series.Reset();
            }
        }

        public void Add(Event evt)
        {
            if (evt.ValueCase == Event.ValueOneofCase.Scalar)
            {
                var scalar = evt.Scalar;
                var bits = scalar.HasIntValue ? scalar.IntValue : BitConverter.DoubleToInt64Bits(scalar.Value);
                var series = SeriesOf(evt.Name, scalar.HasIntValue);
                if (evt.Sequence > series.HighWater)
                {
                    Append(series, evt.Sequence, evt.Step, evt.TimestampUnixNanos, bits);
                }

                return;
            }

            InsertEvent(evt);
        }

        /// <summary>A batch's scalars, read from its columns: no event object per scalar.</summary>
        // Hot on every replay and in short-lived commands: compiled fully optimised at once rather than after tiering.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(ScalarBatch batch, IReadOnlyDictionary<uint, Event> metrics)
        {
            var ids = batch.MetricIds;
            var stepDeltas = batch.StepDeltas;
            var timeDeltas = batch.TimestampDeltasNanos;
            var values = batch.Values;
            long step = 0;
            var time = batch.FirstTimestampUnixNanos;
            for (var i = 0; i < values.Count; i++)
            {
                step += stepDeltas[i];
                time += timeDeltas[i];
                var id = ids[i];
                var series = id < (uint)_byMetricId.Length ? _byMetricId[id] : null;
                series ??= Resolve(id, metrics);
                var sequence = batch.FirstSequence + (ulong)i;
                if (sequence > series.HighWater)
                {
                    // Integer metrics keep their 64 bits in the value column already.
                    Append(series, sequence, step, time, BitConverter.DoubleToInt64Bits(values[i]));
                }
            }
        }

        /// <summary>Writes every pending chunk and the cursor; returns the events and scalars stored.</summary>
        public long Finish(SinkCursor cursor)
        {
            foreach (var series in _touched)
            {
                if (series.Count > 0)
                {
                    WriteChunk(series);
                }

                series.Reset();
            }

            _insertEvent?.Dispose();
            _insertChunk?.Dispose();
            _sink.StoreCursor(_transaction, _runId, cursor);
            return _stored;
        }

        private PendingSeries Resolve(uint id, IReadOnlyDictionary<uint, Event> metrics)
        {
            if (!metrics.TryGetValue(id, out var declaration))
            {
                throw new InvalidDataException($"run {_runId}: a scalar batch names metric {id}, which no declaration before it gives");
            }

            var series = SeriesOf(declaration.Name, declaration.MetricDeclared.ValueType is 2 or 3);
            if (id >= (uint)_byMetricId.Length)
            {
                Array.Resize(ref _byMetricId, (int)Math.Min(Math.Max(id + 1, (uint)_byMetricId.Length * 2), int.MaxValue));
            }

            _byMetricId[id] = series;
            return series;
        }

        /// <summary>The metric's pending series, its high-water mark read from the index the first time this delivery meets it.</summary>
        private PendingSeries SeriesOf(string name, bool integer)
        {
            if (!_sink._series.TryGetValue(name, out var series))
            {
                series = new PendingSeries(name);
                _sink._series.Add(name, series);
            }

            if (!series.Touched)
            {
                series.Touched = true;
                series.Integer = integer;
                ReopenLastChunk(series);
                _touched.Add(series);
            }
            else if (series.Integer != integer)
            {
                // A chunk holds values of one kind: the metric changed its declared type, so a new chunk starts.
                if (series.Count > 0)
                {
                    WriteChunk(series);
                }

                series.Integer = integer;
            }

            return series;
        }

        /// <summary>
        /// Reads where the metric's stored scalars end (its high-water mark) and, when its last chunk has room, takes
        /// that chunk back to be continued: frequent updates then leave the same chunks as one rebuild, not a small
        /// chunk per update. A last chunk that cannot be read stays as it is (reading it reports the damage).
        /// </summary>
        private void ReopenLastChunk(PendingSeries series)
        {
            using var query = _sink.Command("""
                SELECT rowid, first_sequence, last_sequence, count, first_time_unix_nanos, integer, data FROM scalar_chunks
                WHERE run_id = $run AND name = $name ORDER BY first_sequence DESC LIMIT 1;
                """);
            query.Transaction = _transaction;
            query.Parameters.AddWithValue("$run", _runId);
            query.Parameters.AddWithValue("$name", series.Name);
            long rowId;
            using (var reader = query.ExecuteReader())
            {
                if (!reader.Read())
                {
                    series.HighWater = 0;
                    return;
                }

                series.HighWater = (ulong)reader.GetInt64(2);
                var count = reader.GetInt64(3);
                if (count is < 1 or >= ChunkScalars || (reader.GetInt64(5) != 0) != series.Integer || !series.TryReopen((ulong)reader.GetInt64(1), reader.GetInt64(4), (int)count, (byte[])reader.GetValue(6)))
                {
                    return;
                }

                rowId = reader.GetInt64(0);
            }

            using var delete = _sink.Command("DELETE FROM scalar_chunks WHERE rowid = $row;");
            delete.Transaction = _transaction;
            delete.Parameters.AddWithValue("$row", rowId);
            delete.ExecuteNonQuery();
        }

        private void Append(PendingSeries series, ulong sequence, long step, long time, long bits)
        {
            series.Append(sequence, step, time, bits);
            series.HighWater = sequence;
            _stored++;
            if (series.Count == ChunkScalars)
            {
                WriteChunk(series);
            }
        }

        private void WriteChunk(PendingSeries series)
        {
            var count = series.Count;
            var entries = series.Entries.AsSpan(0, count);
            var sequences = series.Sequences.AsSpan(0, count);
            var data = _sink._chunkEncoder.Encode(entries, sequences);
            var command = _insertChunk ??= PrepareChunkInsert();
            var p = command.Parameters;
            p[0].Value = _runId;
            p[1].Value = series.Name;
            p[2].Value = (long)sequences[0];
            p[3].Value = (long)sequences[^1];
            p[4].Value = count;
            long minStep = long.MaxValue, maxStep = long.MinValue;
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            var any = false;
            foreach (ref readonly var entry in entries)
            {
                minStep = Math.Min(minStep, entry.Step);
                maxStep = Math.Max(maxStep, entry.Step);
                var value = ValueOf(entry.Value, series.Integer);
                if (!double.IsNaN(value))
                {
                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                    any = true;
                }
            }

            var last = ValueOf(entries[^1].Value, series.Integer);
            p[5].Value = minStep;
            p[6].Value = maxStep;
            p[7].Value = entries[0].Timestamp;
            p[8].Value = entries[^1].Timestamp;
            p[9].Value = series.Integer ? 1 : 0;
            p[10].Value = any ? min : DBNull.Value;
            p[11].Value = any ? max : DBNull.Value;
            p[12].Value = double.IsNaN(last) ? DBNull.Value : last;
            p[13].Value = data.ToArray();
            command.ExecuteNonQuery();
            series.Count = 0;
        }

        private static double ValueOf(double raw, bool integer) => integer ? BitConverter.DoubleToInt64Bits(raw) : raw;

        private SqliteCommand PrepareChunkInsert() => Prepare(
            """
            INSERT INTO scalar_chunks (run_id, name, first_sequence, last_sequence, count, min_step, max_step,
                first_time_unix_nanos, last_time_unix_nanos, integer, min, max, last, data)
            VALUES ($run, $name, $first, $last_sequence, $count, $min_step, $max_step, $first_time, $last_time, $integer, $min, $max, $last, $data);
            """,
            ("$run", SqliteType.Text), ("$name", SqliteType.Text), ("$first", SqliteType.Integer), ("$last_sequence", SqliteType.Integer),
            ("$count", SqliteType.Integer), ("$min_step", SqliteType.Integer), ("$max_step", SqliteType.Integer),
            ("$first_time", SqliteType.Integer), ("$last_time", SqliteType.Integer), ("$integer", SqliteType.Integer),
            ("$min", SqliteType.Real), ("$max", SqliteType.Real), ("$last", SqliteType.Real), ("$data", SqliteType.Blob));

        private void InsertEvent(Event evt)
        {
            var command = _insertEvent ??= PrepareEventInsert();
            var p = command.Parameters;
            p[0].Value = evt.EventId.ToByteArray();
            p[1].Value = _runId;
            p[2].Value = (long)evt.Sequence;
            p[3].Value = evt.TimestampUnixNanos;
            p[4].Value = evt.Step;
            p[5].Value = evt.Name;
            p[6].Value = EventJsonWriter.TypeName(evt.ValueCase);
            p[7].Value = _sink.Json(evt);
            _stored += command.ExecuteNonQuery();
        }

        private SqliteCommand PrepareEventInsert() => Prepare(
            """
            INSERT OR IGNORE INTO events (event_id, run_id, sequence, timestamp_unix_nanos, step, name, type, json)
            VALUES ($id, $run, $sequence, $time, $step, $name, $type, $json);
            """,
            ("$id", SqliteType.Blob), ("$run", SqliteType.Text), ("$sequence", SqliteType.Integer), ("$time", SqliteType.Integer),
            ("$step", SqliteType.Integer), ("$name", SqliteType.Text), ("$type", SqliteType.Text), ("$json", SqliteType.Text));

        /// <summary>A command in this delivery's transaction whose parameters are bound by position, in the order given.</summary>
        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = _sink.Command(sql);
            command.Transaction = _transaction;
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            return command;
        }
    }

    /// <summary>One metric's scalars gathered for its next chunk; times in Unix nanoseconds, values as their 64 bits.</summary>
    private sealed class PendingSeries(string name)
    {
        public string Name { get; } = name;

        public ScalarEntry[] Entries { get; private set; } = new ScalarEntry[16];

        public ulong[] Sequences { get; private set; } = new ulong[16];

        public int Count { get; set; }

        public bool Integer { get; set; }

        /// <summary>The last sequence number the index holds, or holds once this delivery commits.</summary>
        public ulong HighWater { get; set; }

        /// <summary>Whether the current delivery has met this metric (and read its high-water mark).</summary>
        public bool Touched { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(ulong sequence, long step, long time, long bits)
        {
            if (Count == Entries.Length)
            {
                Grow(Math.Min(Entries.Length * 2, ChunkScalars));
            }

            Entries[Count] = new ScalarEntry { Timestamp = time, Step = step, Value = BitConverter.Int64BitsToDouble(bits) };
            Sequences[Count] = sequence;
            Count++;
        }

        /// <summary>Starts from a stored chunk's scalars; false (and nothing taken) when its data cannot be read.</summary>
        public bool TryReopen(ulong firstSequence, long firstTime, int count, byte[] data)
        {
            if (Entries.Length < count)
            {
                Grow(ChunkScalars);
            }

            var steps = new long[count];
            var times = new long[count];
            var bits = new long[count];
            try
            {
                ScalarChunkDecoder.Decode(data, firstSequence, firstTime, Sequences.AsSpan(0, count), steps, times, bits);
            }
            catch (InvalidDataException)
            {
                return false;
            }

            for (var i = 0; i < count; i++)
            {
                Entries[i] = new ScalarEntry { Timestamp = times[i], Step = steps[i], Value = BitConverter.Int64BitsToDouble(bits[i]) };
            }

            Count = count;
            return true;
        }

        private void Grow(int size)
        {
            var entries = Entries;
            var sequences = Sequences;
            Array.Resize(ref entries, size);
            Array.Resize(ref sequences, size);
            Entries = entries;
            Sequences = sequences;
        }

        public void Reset()
        {
            Count = 0;
            Touched = false;
        }
    }
}
