using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage.Postgres;

/// <summary>What one shipping pass did.</summary>
/// <param name="Events">Events (other than scalars) sent.</param>
/// <param name="Scalars">Scalars sent.</param>
/// <param name="Cursor">The last sequence number the store holds for the run afterwards.</param>
/// <param name="Problems">Damage found in the WAL on the way (those records are not shipped).</param>
public sealed record ShipResult(long Events, long Scalars, ulong Cursor, IReadOnlyList<WalCorruption> Problems);

/// <summary>
/// Ships runs from a local Repro home into the central PostgreSQL store: it reads each run's WAL from the store's
/// cursor for that run, sends batches by binary COPY, and moves the cursor in the same transaction. A shipper killed at
/// any moment therefore loses nothing and duplicates nothing: the next one starts at the committed cursor. A batch
/// whose rows the store already holds in part (its cursor lost or older than its data) is sent again through staging
/// tables and inserted with <c>ON CONFLICT DO NOTHING</c> on event ids, so rows sent twice are skipped. One shipper at a time holds a run (a session advisory lock); another is refused with
/// <see cref="ShipperBusyException"/>. The connection's password is never logged or recorded.
/// </summary>
public sealed class PostgresShipper : IDisposable
{
    private readonly PostgresStoreAddress _address;
    private readonly RunStore _home;
    private readonly int _batchScalars;
    private readonly HashSet<string> _partitions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);
    private NpgsqlConnection? _connection;

    /// <summary>A shipper from <paramref name="home"/> into the store at <paramref name="address"/>; it connects on first use.</summary>
    /// <param name="address">The store.</param>
    /// <param name="home">The local home whose runs it ships.</param>
    /// <param name="batchScalars">Scalars (or events) per transaction: the most a crash can make it send again.</param>
    public PostgresShipper(PostgresStoreAddress address, RunStore home, int batchScalars = 200_000)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchScalars);
        _address = address;
        _home = home;
        _batchScalars = batchScalars;
    }

    /// <summary>Batches that found some of their rows already in the store and went through the staging tables to skip them.</summary>
    public int StagedBatches { get; private set; }

    /// <summary>Called after each committed batch with the run and its new cursor (for progress, and for tests that kill a shipper mid-run).</summary>
    public Action<string, ulong>? OnCommitted { get; init; }

    /// <summary>
    /// Sends everything run <paramref name="runId"/> has recorded past the store's cursor, and its manifest as it was
    /// when the pass began (so a finished run's row is written only once its whole log is in the store).
    /// </summary>
    /// <exception cref="ShipperBusyException">Another shipper holds the run.</exception>
    /// <exception cref="PostgresStoreException">The store's schema is missing or of another version.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or failed; the cursor keeps the last committed batch.</exception>
    public ShipResult Ship(string runId)
    {
        var manifest = _home.GetRun(runId);
        runId = manifest.RunId;
        var connection = Connect();
        Lock(connection, runId);
        if (_partitions.Add(runId[..10]))
        {
            PostgresSchema.EnsurePartitions(connection, runId);
        }

        var (cursor, resumeAt) = ReadCursor(connection, runId);
        var problems = new List<WalCorruption>();
        var records = _home.ReadRecordsFrom(runId, Sinks.SinkReplay.ParseCheckpoint(resumeAt), problems.Add);
        var pending = new Pending();
        long events = 0, scalars = 0;
        foreach (var (record, _, _) in records)
        {
            if (record.BodyCase == Record.BodyOneofCase.Event)
            {
                if (record.Event.Sequence <= cursor)
                {
                    continue;
                }

                pending.Events.Add(record.Event);
                pending.Last = record.Event.Sequence + Math.Max(1, record.Event.SequenceSpan) - 1; // a downsampled bucket stands for more
                pending.Size++;
                events++;
            }
            else
            {
                var batch = record.Scalars;
                var last = batch.FirstSequence + (ulong)batch.Values.Count - 1;
                if (last <= cursor)
                {
                    continue;
                }

                pending.Batches.Add(batch);
                pending.Last = last;
                pending.Size += batch.Values.Count;
                scalars += batch.Values.Count;
            }

            if (pending.Size >= _batchScalars)
            {
                cursor = Commit(connection, runId, cursor, pending, records.Checkpoint(), records, manifest: null);
                pending = new Pending();
            }
        }

        cursor = Commit(connection, runId, cursor, pending, records.Checkpoint(), records, manifest);
        return new ShipResult(events, scalars, cursor, problems);
    }

    /// <summary>Releases the runs this shipper holds, so another shipper may take them.</summary>
    public void Release(string runId)
    {
        if (_connection is { State: System.Data.ConnectionState.Open } connection && _locked.Remove(runId))
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            command.Parameters.AddWithValue("key", LockKey(runId));
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
        _locked.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"shipper into {_address}";

    private sealed class Pending
    {
        public List<Event> Events { get; } = [];

        public List<ScalarBatch> Batches { get; } = [];

        public ulong Last { get; set; }

        public int Size { get; set; }
    }

    private NpgsqlConnection Connect()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }

        // A broken connection lost its advisory locks with it: take them again.
        _connection?.Dispose();
        _connection = null;
        _locked.Clear();
        // Its own session (addresses never pool): the run's advisory lock and the staging tables live exactly as long as it.
        var connection = new NpgsqlConnection(_address.ConnectionString);
        try
        {
            connection.Open();
            PostgresSchema.Check(connection, _address.Display);
            using var staging = new NpgsqlCommand("""
                CREATE TEMP TABLE ship_events (LIKE repro.events) ON COMMIT DELETE ROWS;
                CREATE TEMP TABLE ship_scalars (LIKE repro.scalars) ON COMMIT DELETE ROWS;
                """, connection);
            staging.ExecuteNonQuery();
            PreferLz4(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        return connection;
    }

    /// <summary>
    /// Compresses what this session writes out of line with LZ4 where the server has it: measured on a push of ten
    /// million scalars it took the server a third of the time PostgreSQL's default compressor did, for 4 % more space.
    /// A server built without LZ4 refuses the setting and keeps its default.
    /// </summary>
    private static void PreferLz4(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT set_config('default_toast_compression', 'lz4', false) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)", connection);
        command.ExecuteNonQuery();
    }

    private void Lock(NpgsqlConnection connection, string runId)
    {
        if (_locked.Contains(runId))
        {
            return;
        }

        using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", LockKey(runId));
        if (command.ExecuteScalar() is not true)
        {
            throw new ShipperBusyException($"Run {runId} is being shipped to {_address} by another process; it holds the run until it finishes or dies, and this one will not send it twice.");
        }

        _locked.Add(runId);
    }

    /// <summary>The advisory lock of one run: 64 bits of a hash of its id.</summary>
    internal static long LockKey(string runId) => BinaryPrimitives.ReadInt64LittleEndian(XxHash64.Hash(Encoding.UTF8.GetBytes("repro ship " + runId)));

    private static (ulong Sequence, byte[]? ResumeAt) ReadCursor(NpgsqlConnection connection, string runId)
    {
        using var command = new NpgsqlCommand("SELECT sequence, resume_at FROM repro.ship_cursors WHERE run_id = @run", connection);
        command.Parameters.AddWithValue("run", runId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ((ulong)reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader[1]) : (0, null);
    }

    /// <summary>
    /// Sends one batch and moves the cursor, in one transaction; with a manifest, writes the run's row too. Returns the
    /// new cursor. The run's lock and the cursor committed with every batch mean nothing past the cursor is in the store,
    /// so the batch is first copied straight into the tables (one write on the server). Should the store hold some of
    /// it anyway (a cursor row removed or restored from an older backup), the key violation rolls that attempt back and
    /// the batch goes through the staging tables with <c>ON CONFLICT DO NOTHING</c> instead.
    /// </summary>
    private ulong Commit(NpgsqlConnection connection, string runId, ulong cursor, Pending pending, ReplayCheckpoint? checkpoint, WalRecordSequence records, RunManifest? manifest)
    {
        try
        {
            Send(connection, runId, pending, checkpoint, records, manifest, staged: false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            StagedBatches++;
            Send(connection, runId, pending, checkpoint, records, manifest, staged: true);
        }

        if (pending.Size == 0)
        {
            return cursor;
        }

        // The run's lock keeps every other shipper out, so the stored cursor is the one read at the start, moved by us.
        var committed = Math.Max(cursor, pending.Last);
        OnCommitted?.Invoke(runId, committed);
        return committed;
    }

    private static void Send(NpgsqlConnection connection, string runId, Pending pending, ReplayCheckpoint? checkpoint, WalRecordSequence records, RunManifest? manifest, bool staged)
    {
        using var transaction = connection.BeginTransaction();
        if (pending.Events.Count > 0)
        {
            CopyEvents(connection, runId, pending.Events, staged ? "ship_events" : "repro.events");
        }

        if (pending.Batches.Count > 0)
        {
            CopyScalars(connection, runId, pending.Batches, staged ? "ship_scalars" : "repro.scalars");
        }

        using (var batch = new NpgsqlBatch(connection, transaction))
        {
            if (staged && pending.Events.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO repro.events SELECT * FROM ship_events ON CONFLICT DO NOTHING"));
            }

            foreach (var declared in pending.Events.Where(e => e.ValueCase == Event.ValueOneofCase.MetricDeclared))
            {
                batch.BatchCommands.Add(PostgresRunRows.Declaration(runId, declared));
            }

            if (staged && pending.Batches.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO repro.scalars SELECT * FROM ship_scalars ON CONFLICT DO NOTHING"));
            }

            if (pending.Size > 0)
            {
                var move = new NpgsqlBatchCommand("""
                    INSERT INTO repro.ship_cursors (run_id, sequence, resume_at, shipped_at) VALUES (@run, @sequence, @resume, now())
                    ON CONFLICT (run_id) DO UPDATE SET sequence = greatest(repro.ship_cursors.sequence, excluded.sequence), resume_at = excluded.resume_at, shipped_at = now()
                    """);
                move.Parameters.AddWithValue("run", runId);
                move.Parameters.AddWithValue("sequence", (long)pending.Last);
                move.Parameters.AddWithValue("resume", (object?)checkpoint?.ToByteArray() ?? DBNull.Value);
                batch.BatchCommands.Add(move);
            }

            if (manifest is not null)
            {
                PostgresRunRows.AddRun(batch, manifest, records.Source);
            }

            if (batch.BatchCommands.Count > 0)
            {
                batch.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private static void CopyEvents(NpgsqlConnection connection, string runId, List<Event> events, string table)
    {
        using var writer = connection.BeginBinaryImport($"COPY {table} (run_id, event_id, sequence, time_unix_nanos, step, name, type, payload) FROM STDIN (FORMAT BINARY)");
        foreach (var evt in events)
        {
            writer.StartRow();
            writer.Write(runId, NpgsqlDbType.Text);
            writer.Write(EventIds.ToGuid(evt.EventId.Span), NpgsqlDbType.Uuid);
            writer.Write((long)evt.Sequence, NpgsqlDbType.Bigint);
            writer.Write(evt.TimestampUnixNanos, NpgsqlDbType.Bigint);
            writer.Write(evt.Step, NpgsqlDbType.Bigint);
            writer.Write(evt.Name, NpgsqlDbType.Text);
            writer.Write(EventJsonWriter.TypeName(evt.ValueCase), NpgsqlDbType.Text);
            writer.Write(evt.ToByteArray(), NpgsqlDbType.Bytea);
        }

        writer.Complete();
    }

    private static void CopyScalars(NpgsqlConnection connection, string runId, List<ScalarBatch> batches, string table)
    {
        using var writer = connection.BeginBinaryImport($"""
            COPY {table} (run_id, first_event_id, batch_sequence, batch_event_id, batch_count, first_time_unix_nanos, metric_id,
                min_step, max_step, offsets, steps, times, vals) FROM STDIN (FORMAT BINARY)
            """);
        foreach (var batch in batches)
        {
            var batchId = EventIds.ToGuid(batch.FirstEventId.Span);
            foreach (var chunk in ScalarChunks.Split(batch))
            {
                writer.StartRow();
                writer.Write(runId, NpgsqlDbType.Text);
                writer.Write(chunk.FirstEventId, NpgsqlDbType.Uuid);
                writer.Write((long)batch.FirstSequence, NpgsqlDbType.Bigint);
                writer.Write(batchId, NpgsqlDbType.Uuid);
                writer.Write(batch.Values.Count, NpgsqlDbType.Integer);
                writer.Write(batch.FirstTimestampUnixNanos, NpgsqlDbType.Bigint);
                writer.Write((int)chunk.MetricId, NpgsqlDbType.Integer);
                writer.Write(chunk.Steps.Min(), NpgsqlDbType.Bigint);
                writer.Write(chunk.Steps.Max(), NpgsqlDbType.Bigint);
                writer.Write(chunk.Offsets, NpgsqlDbType.Array | NpgsqlDbType.Integer);
                writer.Write(chunk.Steps, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                writer.Write(chunk.Times, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                writer.Write(chunk.Values, NpgsqlDbType.Array | NpgsqlDbType.Double);
            }
        }

        writer.Complete();
    }
}

/// <summary>Another shipper holds the run; nothing was sent. The message says so.</summary>
public sealed class ShipperBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ShipperBusyException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public ShipperBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ShipperBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
