using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Sinks;

/// <summary>The runs half of the index: one row per run, its tags, hyperparameters and metric summaries, and searches over them.</summary>
public sealed partial class SqliteIndexSink
{
    /// <summary>Records (or refreshes) the run's row, tags, hyperparameters and metric summaries from its manifest.</summary>
    /// <param name="manifest">The run's manifest, with its annotations applied.</param>
    /// <param name="stamp">What the run's files looked like when read (see <see cref="RunIndex"/>); null when unknown.</param>
    public void IndexRun(RunManifest manifest, string? stamp = null) => IndexRuns([(manifest, stamp)]);

    /// <summary>Records several runs as <see cref="IndexRun(RunManifest, string?)"/> does, in one transaction: one commit for many runs.</summary>
    public void IndexRuns(IReadOnlyCollection<(RunManifest Manifest, string? Stamp)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        using var transaction = _connection.BeginTransaction(deferred: false);
        foreach (var (manifest, stamp) in runs)
        {
            ArgumentNullException.ThrowIfNull(manifest);
            IndexRunIn(transaction, manifest, stamp);
        }

        transaction.Commit();
    }

    private void IndexRunIn(SqliteTransaction transaction, RunManifest manifest, string? stamp)
    {
        using (var command = Command("""
            INSERT INTO runs (run_id, name, status, started_at, ended_at, git_commit, dirty, last_sequence, dropped_events, manifest_json)
            VALUES ($run, $name, $status, $started, $ended, $commit, $dirty, $last, $dropped, $json)
            ON CONFLICT (run_id) DO UPDATE SET name = excluded.name, status = excluded.status, ended_at = excluded.ended_at,
                git_commit = excluded.git_commit, dirty = excluded.dirty, last_sequence = excluded.last_sequence,
                dropped_events = excluded.dropped_events, manifest_json = excluded.manifest_json;
            DELETE FROM run_tags WHERE run_id = $run;
            DELETE FROM run_params WHERE run_id = $run;
            DELETE FROM run_metrics WHERE run_id = $run;
            """))
        {
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$run", manifest.RunId);
            command.Parameters.AddWithValue("$name", manifest.Name);
            command.Parameters.AddWithValue("$status", RunRowValues.StatusName(manifest.Status));
            command.Parameters.AddWithValue("$started", RunRowValues.Timestamp(manifest.StartedAt));
            command.Parameters.AddWithValue("$ended", (object?)(manifest.EndedAt is { } ended ? RunRowValues.Timestamp(ended) : null) ?? DBNull.Value);
            command.Parameters.AddWithValue("$commit", (object?)manifest.Build.Commit?.ToLowerInvariant() ?? DBNull.Value);
            command.Parameters.AddWithValue("$dirty", manifest.Build.Dirty is { } dirty ? (dirty ? 1 : 0) : DBNull.Value);
            command.Parameters.AddWithValue("$last", (long)manifest.LastSequence);
            command.Parameters.AddWithValue("$dropped", (long)manifest.DroppedEvents);
            command.Parameters.AddWithValue("$json", RunManifestJson.Serialize(manifest));
            command.ExecuteNonQuery();
        }

        foreach (var (key, value) in manifest.Tags)
        {
            Insert(transaction, "INSERT INTO run_tags (run_id, key, value) VALUES ($run, $a, $b);", manifest.RunId, key, value);
        }

        if (manifest.Hyperparameters is { } hyperparameters)
        {
            using var parameter = Command("INSERT OR REPLACE INTO run_params (run_id, path, number, text) VALUES ($run, $path, $number, $text);");
            parameter.Transaction = transaction;
            parameter.Parameters.AddWithValue("$run", manifest.RunId);
            var path = parameter.Parameters.Add("$path", SqliteType.Text);
            var number = parameter.Parameters.Add("$number", SqliteType.Real);
            var text = parameter.Parameters.Add("$text", SqliteType.Text);
            foreach (var row in RunRowValues.Flatten(hyperparameters))
            {
                path.Value = row.Path;
                number.Value = (object?)row.Number ?? DBNull.Value;
                text.Value = row.Text;
                parameter.ExecuteNonQuery();
            }
        }

        foreach (var name in manifest.Best.Keys.Union(manifest.Last.Keys, StringComparer.Ordinal))
        {
            manifest.Best.TryGetValue(name, out var best);
            manifest.Last.TryGetValue(name, out var last);
            using var metric = Command("""
                INSERT INTO run_metrics (run_id, name, goal, best, best_step, last, last_step)
                VALUES ($run, $name, $goal, $best, $bestStep, $last, $lastStep);
                """);
            metric.Transaction = transaction;
            metric.Parameters.AddWithValue("$run", manifest.RunId);
            metric.Parameters.AddWithValue("$name", name);
            metric.Parameters.AddWithValue("$goal", (object?)best?.Goal ?? DBNull.Value);
            metric.Parameters.AddWithValue("$best", RunRowValues.Finite(best?.Value));
            metric.Parameters.AddWithValue("$bestStep", (object?)best?.Step ?? DBNull.Value);
            metric.Parameters.AddWithValue("$last", RunRowValues.Finite(last?.Value));
            metric.Parameters.AddWithValue("$lastStep", (object?)last?.Step ?? DBNull.Value);
            metric.ExecuteNonQuery();
        }

        if (stamp is not null)
        {
            Insert(transaction, "INSERT INTO run_files (run_id, stamp) VALUES ($run, $a) ON CONFLICT (run_id) DO UPDATE SET stamp = excluded.stamp;", manifest.RunId, stamp, null);
        }
    }

    /// <summary>The stamp and status recorded for every indexed run, by run id.</summary>
    public IReadOnlyDictionary<string, (string? Stamp, string Status)> IndexedRuns()
    {
        var runs = new Dictionary<string, (string?, string)>(StringComparer.Ordinal);
        using var command = Command("SELECT r.run_id, f.stamp, r.status FROM runs r LEFT JOIN run_files f ON f.run_id = r.run_id;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
        }

        return runs;
    }

    /// <summary>Removes a run whose folder is gone from the runs half of the index (its events stay until a rebuild).</summary>
    public void ForgetRun(string runId)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        foreach (var table in new[] { "runs", "run_tags", "run_params", "run_metrics", "run_files" })
        {
            Insert(transaction, $"DELETE FROM {table} WHERE run_id = $run;", runId, null, null);
        }

        transaction.Commit();
    }

    /// <summary>The runs that pass every filter of <paramref name="search"/>, newest first or in the metric's order.</summary>
    public IReadOnlyList<RunSearchHit> Search(RunSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var query = RunSearchSql.Build(search, search.Sort is { } sort ? GoalOf(sort.Metric) : null, schema: string.Empty, postgres: false);
        using var command = _connection.CreateCommand();
        command.CommandText = query.Sql;
        foreach (var (name, value) in query.Parameters)
        {
            command.Parameters.AddWithValue("@" + name, value);
        }

        var chosen = new List<(string RunId, RunStatus Status, double? SortValue)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                chosen.Add((reader.GetString(0), RunRowValues.ParseStatus(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetDouble(2)));
            }
        }

        using var manifest = Command("SELECT manifest_json FROM runs WHERE run_id = $run;");
        var run = manifest.Parameters.Add("$run", SqliteType.Text);
        manifest.Prepare();
        var hits = new List<RunSearchHit>(chosen.Count);
        foreach (var (runId, status, value) in chosen)
        {
            run.Value = runId;
            if (manifest.ExecuteScalar() is string json)
            {
                hits.Add(new RunSearchHit(json, value, $"{Path} (row of run {runId})", status));
            }
        }

        return hits;
    }

    /// <summary>The goal any run declared for <paramref name="metric"/> ("minimize" or "maximize"), or null.</summary>
    private string? GoalOf(string metric)
    {
        using var command = Command(RunSearchSql.GoalQuery(string.Empty));
        command.Parameters.AddWithValue("@name", metric);
        return command.ExecuteScalar() as string;
    }

    private void Insert(SqliteTransaction transaction, string sql, string run, string? a, string? b)
    {
        using var command = Command(sql);
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$run", run);
        command.Parameters.AddWithValue("$a", (object?)a ?? DBNull.Value);
        command.Parameters.AddWithValue("$b", (object?)b ?? DBNull.Value);

        command.ExecuteNonQuery();
    }
}
