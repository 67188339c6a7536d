using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Repro.Events;
using Repro.Runs;

namespace Repro.Sinks;

/// <summary>
/// The SQLite index over every run of a Repro home (<c>index.db</c>): a row per run, per event that is not a
/// scalar, and per chunk of up to <see cref="ChunkScalars"/> consecutive scalars of one metric (packed as the log
/// packs them, with the chunk's step range, times, count, minimum, maximum and last value beside it), for queries
/// across runs. Rebuildable from the WALs at any time. Each delivery stores, in one transaction with the run's cursor,
/// only what lies past what the index holds (events by id, scalars by each metric's last stored sequence number), so
/// a replay stores everything exactly once even when its cursor was lost. Several processes may update it at once.
/// </summary>
public sealed partial class SqliteIndexSink : ILogRecordSink
{
    /// <summary>
    /// Version of the index's tables. An index of version 1 (a row per scalar) is upgraded when opened: its event rows
    /// and cursors are dropped, so the next update indexes every run's log again. An index of a later version is refused.
    /// </summary>
    public const int SchemaVersion = 2;

    /// <summary>The most scalars one chunk row holds.</summary>
    public const int ChunkScalars = Index.ScalarChunkFormat.MaxScalars;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
            started_at TEXT NOT NULL, ended_at TEXT, git_commit TEXT, dirty INTEGER,
            last_sequence INTEGER NOT NULL, dropped_events INTEGER NOT NULL, manifest_json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            event_id BLOB PRIMARY KEY, run_id TEXT NOT NULL, sequence INTEGER NOT NULL,
            timestamp_unix_nanos INTEGER NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
            json TEXT NOT NULL) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS events_by_sequence ON events (run_id, sequence);
        CREATE INDEX IF NOT EXISTS events_by_metric ON events (run_id, name, step);
        -- A rowid table: chunks are kilobytes, which WITHOUT ROWID tables store poorly.
        CREATE TABLE IF NOT EXISTS scalar_chunks (
            run_id TEXT NOT NULL, name TEXT NOT NULL, first_sequence INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
            count INTEGER NOT NULL, min_step INTEGER NOT NULL, max_step INTEGER NOT NULL,
            first_time_unix_nanos INTEGER NOT NULL, last_time_unix_nanos INTEGER NOT NULL, integer INTEGER NOT NULL,
            min REAL, max REAL, last REAL, data BLOB NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS scalar_chunks_by_metric ON scalar_chunks (run_id, name, first_sequence);
        CREATE TABLE IF NOT EXISTS sink_cursors (run_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL, resume_at BLOB);
        CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at);
        CREATE TABLE IF NOT EXISTS run_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS run_params (run_id TEXT NOT NULL, path TEXT NOT NULL, number REAL, text TEXT NOT NULL, PRIMARY KEY (run_id, path)) WITHOUT ROWID;
        -- Searches probe these tables per run by primary key; an index by path or key would tempt SQLite's planner
        -- into scanning every matching row for each run (quadratic: 0.3 s instead of 0.01 s at 10,000 runs).
        DROP INDEX IF EXISTS run_params_by_path;
        DROP INDEX IF EXISTS run_tags_by_key;
        CREATE TABLE IF NOT EXISTS run_metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, goal TEXT, best REAL, best_step INTEGER, last REAL, last_step INTEGER, PRIMARY KEY (run_id, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS run_files (run_id TEXT PRIMARY KEY, stamp TEXT NOT NULL);
        """;

    private readonly SqliteConnection _connection;
    private readonly ArrayBufferWriter<byte> _json = new();

    /// <summary>Opens (or creates) the index at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is an index of another schema version, or not an index.</exception>
    public SqliteIndexSink(string path)
        : this(path, scratch: false)
    {
    }

    /// <summary>
    /// Opens the index; a <paramref name="scratch"/> index (the new file a rebuild fills before copying it into the
    /// live index) keeps its rollback journal in memory and never syncs: nothing else reads it, a crash leaves only a
    /// file that the next rebuild deletes, and each page is written once instead of to the WAL first.
    /// </summary>
    internal SqliteIndexSink(string path, bool scratch)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        CreateOwnerOnly(Path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 60 }.ToString());
        _connection.Open();
        Execute("PRAGMA busy_timeout = 60000;");
        try
        {
            Execute(scratch ? "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;" : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            UpgradeFromVersion1();
            Execute(Schema);
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw new InvalidDataException($"{Path} is not a Repro index: {e.Message}", e);
        }

        AddResumeColumn();

        using var version = Command("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', $v); SELECT value FROM meta WHERE key = 'schema_version';");
        version.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
        var found = Convert.ToString(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (found != SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            _connection.Dispose();
            throw new InvalidDataException($"{Path} has index schema version {found}; this Repro writes version {SchemaVersion}. Rebuild it with 'repro index rebuild'.");
        }
    }

    /// <summary>
    /// An index of version 1 kept a row per scalar in <c>events</c>. Its events and cursors are dropped, in one
    /// transaction that another process opening it at the same time waits for, so the next update indexes every log again.
    /// </summary>
    private void UpgradeFromVersion1()
    {
        const string FindVersion = "SELECT value FROM meta WHERE key = 'schema_version';";
        if (QueryText("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta';") != "1" || QueryText(FindVersion) != "1")
        {
            return;
        }

        using var transaction = _connection.BeginTransaction(deferred: false);
        if (QueryText(FindVersion, transaction) == "1")
        {
            using var upgrade = Command("""
                DROP TABLE IF EXISTS events;
                DELETE FROM sink_cursors;
                UPDATE meta SET value = '2' WHERE key = 'schema_version';
                """);
            upgrade.Transaction = transaction;
            upgrade.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private string? QueryText(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(sql);
        command.Transaction = transaction;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Indexes written before resume points were kept have no <c>resume_at</c> column: add it. Older
    /// versions that update only the sequence leave an earlier resume point behind, which is still safe.
    /// </summary>
    private void AddResumeColumn()
    {
        using var columns = Command("SELECT count(*) FROM pragma_table_info('sink_cursors') WHERE name = 'resume_at';");
        if (Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        try
        {
            Execute("ALTER TABLE sink_cursors ADD COLUMN resume_at BLOB;");
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another process added it first.
        }
    }

    /// <summary>
    /// Creates the empty database file readable by the owner only, before SQLite would create it with
    /// the umask; SQLite gives its -wal and -shm files the database file's permissions.
    /// </summary>
    internal static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Storage.ReproHome.OwnerOnlyFile });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first, with the same permissions.
        }
    }

    /// <summary>
    /// Replaces this database's whole content with <paramref name="source"/>'s through SQLite's backup
    /// API: one write transaction under SQLite's own locks, so processes using the index meanwhile see the
    /// old content or the new, and no journal file is ever deleted under them.
    /// </summary>
    internal void ReplaceContentWith(string source)
    {
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        from.Open();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                from.BackupDatabase(_connection);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && DateTime.UtcNow < deadline)
            {
                // SQLITE_BUSY or SQLITE_LOCKED: another process is writing; the backup starts over.
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public SinkCursor ReadCursor(string runId)
    {
        using var command = Command("SELECT sequence, resume_at FROM sink_cursors WHERE run_id = $run;");
        command.Parameters.AddWithValue("$run", runId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return SinkCursor.None;
        }

        return new SinkCursor((ulong)reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1));
    }

    /// <inheritdoc />
    public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(events);
        using var transaction = _connection.BeginTransaction(deferred: false);
        var delivery = new Delivery(this, transaction, runId);
        foreach (var evt in events)
        {
            delivery.Add(evt);
        }

        delivery.Finish(cursor);
        transaction.Commit();
    }

    /// <inheritdoc />
    public long DeliverRecords(string runId, IReadOnlyList<LogRecord> records, IReadOnlyDictionary<uint, Event> metrics, SinkCursor cursor)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(metrics);
        using var transaction = _connection.BeginTransaction(deferred: false);
        var delivery = new Delivery(this, transaction, runId);
        foreach (var (record, _, _) in records)
        {
            if (record.BodyCase == Record.BodyOneofCase.Scalars)
            {
                delivery.Add(record.Scalars, metrics);
            }
            else if (record.BodyCase == Record.BodyOneofCase.Event)
            {
                delivery.Add(record.Event);
            }
        }

        var stored = delivery.Finish(cursor);
        transaction.Commit();
        return stored;
    }

    /// <summary>
    /// Stores the run's cursor unless another process stored a later one meanwhile: its resume point stays with it.
    /// </summary>
    private void StoreCursor(SqliteTransaction transaction, string runId, SinkCursor cursor)
    {
        using var update = Command("""
            INSERT INTO sink_cursors (run_id, sequence, resume_at) VALUES ($run, $sequence, $resume)
            ON CONFLICT (run_id) DO UPDATE SET
                resume_at = CASE WHEN excluded.sequence >= sequence THEN excluded.resume_at ELSE resume_at END,
                sequence = max(sequence, excluded.sequence);
            """);
        update.Transaction = transaction;
        update.Parameters.AddWithValue("$run", runId);
        update.Parameters.AddWithValue("$sequence", (long)cursor.Sequence);
        update.Parameters.AddWithValue("$resume", (object?)cursor.ResumeAt ?? DBNull.Value);
        update.ExecuteNonQuery();
    }

    /// <summary>Runs a read-only query (for tools and tests); returns the first column of the first row.</summary>
    public object? QueryScalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql);
        foreach (var (parameter, value) in parameters)
        {
            command.Parameters.AddWithValue(parameter, value);
        }

        return command.ExecuteScalar();
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"SQLite index {Path}";

    private string Json(Event evt)
    {
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json, EventJsonWriter.WriterOptions))
        {
            EventJsonWriter.Write(writer, evt);
        }

        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }
}
