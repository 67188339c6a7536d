using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;
using Repro.Events;
using Repro.Runs;

namespace Repro.Storage.Postgres;

/// <summary>
/// A run's manifest as rows of the central store: the run row (with the manifest's JSON as written), its tags,
/// hyperparameters, metric summaries, artifact and dataset references; laid out as in the local index so that searches
/// give the same answers.
/// </summary>
internal static class PostgresRunRows
{
    /// <summary>Adds to <paramref name="batch"/> the commands that replace run <paramref name="manifest"/>'s rows.</summary>
    public static void AddRun(NpgsqlBatch batch, RunManifest manifest, Source? source)
    {
        var run = Command("""
            INSERT INTO repro.runs (run_id, job_id, rank, world_size, host, name, status, started_at, ended_at, git_commit, dirty,
                last_sequence, dropped_events, manifest_json, source, updated_at)
            VALUES (@run, @job, @rank, @world, @host, @name, @status, @started, @ended, @commit, @dirty, @last, @dropped, @json, @source, now())
            ON CONFLICT (run_id) DO UPDATE SET job_id = excluded.job_id, rank = excluded.rank, world_size = excluded.world_size, host = excluded.host,
                name = excluded.name, status = excluded.status, ended_at = excluded.ended_at, git_commit = excluded.git_commit, dirty = excluded.dirty,
                last_sequence = excluded.last_sequence, dropped_events = excluded.dropped_events, manifest_json = excluded.manifest_json,
                source = coalesce(excluded.source, repro.runs.source), updated_at = now()
            """, manifest.RunId);
        run.Parameters.AddWithValue("job", (object?)manifest.Environment.JobId ?? DBNull.Value);
        run.Parameters.AddWithValue("rank", manifest.Environment.Rank);
        run.Parameters.AddWithValue("world", manifest.Environment.WorldSize);
        run.Parameters.AddWithValue("host", manifest.Environment.Host);
        run.Parameters.AddWithValue("name", manifest.Name);
        run.Parameters.AddWithValue("status", RunRowValues.StatusName(manifest.Status));
        run.Parameters.AddWithValue("started", RunRowValues.Timestamp(manifest.StartedAt));
        run.Parameters.AddWithValue("ended", manifest.EndedAt is { } ended ? RunRowValues.Timestamp(ended) : DBNull.Value);
        run.Parameters.AddWithValue("commit", (object?)manifest.Build.Commit?.ToLowerInvariant() ?? DBNull.Value);
        run.Parameters.AddWithValue("dirty", manifest.Build.Dirty is { } dirty ? dirty : DBNull.Value);
        run.Parameters.AddWithValue("last", (long)manifest.LastSequence);
        run.Parameters.AddWithValue("dropped", (long)manifest.DroppedEvents);
        run.Parameters.AddWithValue("json", RunManifestJson.Serialize(manifest));
        run.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Bytea) { Value = (object?)source?.ToByteArray() ?? DBNull.Value });
        batch.BatchCommands.Add(run);
        foreach (var table in new[] { "run_tags", "run_params", "run_metrics", "artifacts", "datasets" })
        {
            batch.BatchCommands.Add(Command($"DELETE FROM repro.{table} WHERE run_id = @run", manifest.RunId));
        }

        foreach (var (key, value) in manifest.Tags)
        {
            batch.BatchCommands.Add(Command("INSERT INTO repro.run_tags (run_id, key, value) VALUES (@run, @key, @value)", manifest.RunId, ("key", key), ("value", value)));
        }

        if (manifest.Hyperparameters is { } hyperparameters)
        {
            foreach (var (path, number, text) in RunRowValues.Flatten(hyperparameters))
            {
                // Paths are unique per run in the index too (INSERT OR REPLACE there): the last one wins.
                batch.BatchCommands.Add(Command("""
                    INSERT INTO repro.run_params (run_id, path, number, text) VALUES (@run, @path, @number, @text)
                    ON CONFLICT (run_id, path) DO UPDATE SET number = excluded.number, text = excluded.text
                    """, manifest.RunId, ("path", path), ("number", number is { } n ? n : DBNull.Value), ("text", text)));
            }
        }

        foreach (var name in manifest.Best.Keys.Union(manifest.Last.Keys, StringComparer.Ordinal))
        {
            manifest.Best.TryGetValue(name, out var best);
            manifest.Last.TryGetValue(name, out var last);
            batch.BatchCommands.Add(Command("""
                INSERT INTO repro.run_metrics (run_id, name, goal, best, best_step, last, last_step) VALUES (@run, @name, @goal, @best, @bestStep, @last, @lastStep)
                """, manifest.RunId, ("name", name), ("goal", (object?)best?.Goal ?? DBNull.Value), ("best", RunRowValues.Finite(best?.Value)),
                ("bestStep", (object?)best?.Step ?? DBNull.Value), ("last", RunRowValues.Finite(last?.Value)), ("lastStep", (object?)last?.Step ?? DBNull.Value)));
        }

        foreach (var artifact in manifest.Lineage.Artifacts.DistinctBy(a => (a.Name, a.Sha256)))
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO repro.artifacts (run_id, name, kind, sha256, size, media_type, step, location) VALUES (@run, @name, @kind, @sha, @size, @media, @step, @location)
                """, manifest.RunId, ("name", artifact.Name), ("kind", artifact.Kind), ("sha", artifact.Sha256), ("size", artifact.Size),
                ("media", artifact.MediaType), ("step", artifact.Step), ("location", artifact.Location)));
        }

        foreach (var dataset in manifest.Lineage.Datasets.DistinctBy(d => (d.Name, d.Sha256)))
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO repro.datasets (run_id, name, sha256, algorithm, files, bytes, source, listing_sha256) VALUES (@run, @name, @sha, @algorithm, @files, @bytes, @source, @listing)
                """, manifest.RunId, ("name", dataset.Name), ("sha", dataset.Sha256), ("algorithm", dataset.Algorithm), ("files", dataset.Files),
                ("bytes", dataset.Bytes), ("source", dataset.Source), ("listing", dataset.ListingSha256)));
        }
    }

    /// <summary>The command that records a metric declaration (once: declarations never change).</summary>
    public static NpgsqlBatchCommand Declaration(string runId, Event declared)
    {
        var metric = declared.MetricDeclared;
        return Command("""
            INSERT INTO repro.metrics (run_id, metric_id, name, value_type, unit, goal, declaration) VALUES (@run, @id, @name, @type, @unit, @goal, @declaration)
            ON CONFLICT DO NOTHING
            """, runId, ("id", (int)metric.MetricId), ("name", declared.Name), ("type", metric.ValueType), ("unit", metric.Unit),
            ("goal", metric.Goal switch { 1 => "minimize", 2 => "maximize", _ => DBNull.Value }), ("declaration", declared.ToByteArray()));
    }

    private static NpgsqlBatchCommand Command(string sql, string runId, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("run", runId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
