using System.Globalization;
using Google.Protobuf;
using Npgsql;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage.Postgres;

/// <summary>
/// Reads runs from the central PostgreSQL store, with the same answers the local home gives for the same runs:
/// manifests as they were shipped, searches by the same query, and each run's log rebuilt record by record (events
/// from their payloads, scalar batches from their per-metric rows) so every command reads it as it reads a WAL.
/// </summary>
public sealed class PostgresRunReader : IRunReader
{
    private const string Table = "repro.events";
    private readonly PostgresStoreAddress _address;
    private bool _checked;

    /// <summary>A reader of the store at <paramref name="address"/>; it connects on first use and checks the schema then.</summary>
    public PostgresRunReader(PostgresStoreAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
    }

    /// <inheritdoc />
    public string Description => $"the store {_address}";

    /// <inheritdoc />
    public string ResolveRunId(string idOrPrefix)
    {
        using var connection = Open();
        return RunIds.Resolve(idOrPrefix, Description,
            () => Strings(connection, "SELECT max(run_id) FROM repro.runs", []).FirstOrDefault(),
            prefix => Strings(connection, "SELECT run_id FROM repro.runs WHERE run_id >= @prefix AND run_id < @prefix || 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ' ORDER BY run_id LIMIT 50", [("prefix", prefix)]));
    }

    /// <inheritdoc />
    public RunManifest GetRun(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        using var connection = Open();
        var json = Strings(connection, "SELECT manifest_json FROM repro.runs WHERE run_id = @run", [("run", runId.ToUpperInvariant())]).FirstOrDefault()
            ?? throw new RunNotFoundException($"No run {runId} in {Description}.");
        return RunManifestJson.Deserialize(json, $"{Description} (row of run {runId})");
    }

    /// <inheritdoc />
    public IReadOnlyList<RunSearchHit> Search(RunSearch search, Action<string, string>? onUnreadable = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        using var connection = Open();
        var goal = search.Sort is { } sort ? Strings(connection, RunSearchSql.GoalQuery("repro."), [("name", sort.Metric)]).FirstOrDefault() : null;
        var query = RunSearchSql.Build(search, goal, "repro.", postgres: true);
        var chosen = new List<(string RunId, RunStatus Status, double? SortValue)>();
        using (var command = new NpgsqlCommand(query.Sql, connection))
        {
            foreach (var (name, value) in query.Parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                chosen.Add((reader.GetString(0), RunRowValues.ParseStatus(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetDouble(2)));
            }
        }

        // Rows are chosen on small columns; the chosen runs' manifests come in one query.
        var manifests = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("SELECT run_id, manifest_json FROM repro.runs WHERE run_id = ANY(@runs)", connection))
        {
            command.Parameters.AddWithValue("runs", chosen.Select(c => c.RunId).ToArray());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                manifests[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var hits = new List<RunSearchHit>(chosen.Count);
        foreach (var (runId, status, value) in chosen)
        {
            if (manifests.TryGetValue(runId, out var json))
            {
                hits.Add(new RunSearchHit(json, value, $"{Description} (row of run {runId})", status));
            }
        }

        return hits;
    }

    /// <inheritdoc />
    public IReadOnlyList<RunManifest> JobRuns(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var connection = Open();
        return [.. Strings(connection, "SELECT manifest_json FROM repro.runs WHERE job_id = @job ORDER BY rank, run_id", [("job", jobId)])
            .Select(json => RunManifestJson.Deserialize(json, $"{Description} (job {jobId})"))];
    }

    /// <inheritdoc />
    public IEnumerable<Event> ReadEvents(string runId, Action<WalCorruption>? onCorruption = null)
    {
        var manifest = GetRun(runId);
        var metrics = new Dictionary<uint, Event>();
        var runIdBytes = ByteString.CopyFrom(Ulid.Parse(manifest.RunId, CultureInfo.InvariantCulture).ToByteArray());
        var source = SourceOf(manifest.RunId);
        return WalEventReader.Expand(Track(ReadRecords(manifest, onCorruption), metrics), () => metrics, () => runIdBytes, () => source);
    }

    /// <inheritdoc />
    public IEnumerable<LogRecord> ReadRecords(string runId, Action<WalCorruption>? onCorruption = null) => ReadRecords(GetRun(runId), onCorruption);

    /// <inheritdoc />
    public ulong LastSequenceInLog(string runId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("""
            SELECT greatest((SELECT max(sequence) FROM repro.events WHERE run_id = @run),
                            (SELECT max(batch_sequence + batch_count - 1) FROM repro.scalars WHERE run_id = @run))
            """, connection);
        command.Parameters.AddWithValue("run", GetRun(runId).RunId);
        return command.ExecuteScalar() is long last ? (ulong)last : 0;
    }

    /// <inheritdoc />
    public override string ToString() => Description;

    private static IEnumerable<LogRecord> Track(IEnumerable<LogRecord> records, Dictionary<uint, Event> metrics)
    {
        foreach (var record in records)
        {
            if (record.Record.Event is { ValueCase: Event.ValueOneofCase.MetricDeclared } declared)
            {
                metrics[declared.MetricDeclared.MetricId] = declared;
            }

            yield return record;
        }
    }

    /// <summary>
    /// The run's log in sequence order. Events and scalar batches cover disjoint ranges of sequence numbers, so ordering
    /// rows by their first sequence restores the log; a batch's per-metric rows are joined back into one batch.
    /// </summary>
    private IEnumerable<LogRecord> ReadRecords(RunManifest manifest, Action<WalCorruption>? onCorruption)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("""
            SELECT 0 AS kind, sequence AS at, payload, NULL::uuid AS batch_id, NULL::integer AS count, NULL::bigint AS first_time,
                   NULL::integer AS metric_id, NULL::integer[] AS offsets, NULL::bigint[] AS steps, NULL::bigint[] AS times, NULL::double precision[] AS vals
            FROM repro.events WHERE run_id = @run
            UNION ALL
            SELECT 1, batch_sequence, NULL, batch_event_id, batch_count, first_time_unix_nanos, metric_id, offsets, steps, times, vals
            FROM repro.scalars WHERE run_id = @run
            ORDER BY at, kind, metric_id
            """, connection);
        command.Parameters.AddWithValue("run", manifest.RunId);
        using var reader = command.ExecuteReader();
        ulong next = 1;
        var rows = new List<(uint, int[], long[], long[], double[])>();
        (ulong At, Guid Id, int Count, long Time) batch = default;
        while (reader.Read())
        {
            var at = (ulong)reader.GetInt64(1);
            if (rows.Count > 0 && (reader.GetInt32(0) == 0 || at != batch.At))
            {
                if (JoinBatch(batch, rows, ref next, onCorruption) is { } joined)
                {
                    yield return joined;
                }
            }

            if (reader.GetInt32(0) == 0)
            {
                var evt = Event.Parser.ParseFrom((byte[])reader[2]);
                WalEventReader.ReportGap(ref next, evt.Sequence, Math.Max(1, evt.SequenceSpan), Table, (long)evt.Sequence, onCorruption);
                yield return new LogRecord(new Record { Event = evt }, Table, (long)evt.Sequence);
                continue;
            }

            batch = (at, reader.GetGuid(3), reader.GetInt32(4), reader.GetInt64(5));
            rows.Add(((uint)reader.GetInt32(6), (int[])reader[7], (long[])reader[8], (long[])reader[9], (double[])reader[10]));
        }

        if (rows.Count > 0 && JoinBatch(batch, rows, ref next, onCorruption) is { } last)
        {
            yield return last;
        }

        if (manifest.Status != RunStatus.Running && next <= manifest.LastSequence)
        {
            onCorruption?.Invoke(new WalCorruption(Table, (long)next,
                $"the store holds events up to {next - 1} but the run recorded {manifest.LastSequence}: ship the rest with `repro push {manifest.RunId}` where it was recorded"));
        }
    }

    private static LogRecord? JoinBatch((ulong At, Guid Id, int Count, long Time) batch, List<(uint, int[], long[], long[], double[])> rows, ref ulong next, Action<WalCorruption>? onCorruption)
    {
        try
        {
            var joined = ScalarChunks.Join(batch.At, batch.Id, batch.Count, batch.Time, rows);
            WalEventReader.ReportGap(ref next, batch.At, (ulong)batch.Count, "repro.scalars", (long)batch.At, onCorruption);
            return new LogRecord(new Record { Scalars = joined }, "repro.scalars", (long)batch.At);
        }
        catch (InvalidDataException e)
        {
            onCorruption?.Invoke(new WalCorruption("repro.scalars", (long)batch.At, e.Message));
            return null;
        }
        finally
        {
            rows.Clear();
        }
    }

    private Source? SourceOf(string runId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT source FROM repro.runs WHERE run_id = @run", connection);
        command.Parameters.AddWithValue("run", runId);
        return command.ExecuteScalar() is byte[] bytes ? Source.Parser.ParseFrom(bytes) : null;
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(_address.ConnectionString);
        try
        {
            connection.Open();
            if (!_checked)
            {
                PostgresSchema.Check(connection, _address.Display);
                _checked = true;
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static List<string> Strings(NpgsqlConnection connection, string sql, IReadOnlyList<(string Name, object Value)> parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var values = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                values.Add(reader.GetString(0));
            }
        }

        return values;
    }
}
