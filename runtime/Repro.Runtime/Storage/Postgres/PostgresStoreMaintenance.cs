using System.Globalization;
using Npgsql;
using Repro.Runs;
using Repro.Storage.Maintenance;

namespace Repro.Storage.Postgres;

/// <summary>One month of the central store: its partitions of the events and scalars tables.</summary>
/// <param name="Suffix">The partitions' suffix, e.g. <c>y2026m12</c>.</param>
/// <param name="Runs">Runs whose rows lie in it.</param>
/// <param name="EventsBytes">The events partition, with its indexes and TOAST.</param>
/// <param name="ScalarsBytes">The scalars partition, likewise.</param>
public sealed record StorePartitionUsage(string Suffix, long Runs, long EventsBytes, long ScalarsBytes)
{
    /// <summary>Both partitions.</summary>
    public long TotalBytes => EventsBytes + ScalarsBytes;
}

/// <summary>One run's rows in the central store (the stored size of its values, before indexes).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its status.</param>
/// <param name="EventsBytes">Its event rows.</param>
/// <param name="ScalarsBytes">Its scalar chunks.</param>
public sealed record StoreRunUsage(string RunId, string Name, string Status, long EventsBytes, long ScalarsBytes)
{
    /// <summary>Events and scalars.</summary>
    public long TotalBytes => EventsBytes + ScalarsBytes;
}

/// <summary>What the central store takes.</summary>
/// <param name="Months">Each month's partitions, oldest first.</param>
/// <param name="Runs">The largest runs, largest first.</param>
/// <param name="OtherBytes">Every other table of the <c>repro</c> schema (runs, tags, parameters, metrics, artifacts…) with indexes.</param>
/// <param name="RunCount">Runs in the store.</param>
public sealed record StoreUsage(IReadOnlyList<StorePartitionUsage> Months, IReadOnlyList<StoreRunUsage> Runs, long OtherBytes, long RunCount)
{
    /// <summary>Everything.</summary>
    public long TotalBytes => Months.Sum(m => m.TotalBytes) + OtherBytes;
}

/// <summary>
/// <c>repro du --store</c> and <c>repro gc --store</c> on the central PostgreSQL store. gc applies the run rules of the
/// retention policy to the store's runs (failed and crashed runs past <c>failed_runs_days</c> are deleted, unless
/// tagged <c>retention=keep</c>, with a run's own <c>retention.&lt;field&gt;</c> tags honoured) and drops the
/// partitions of past months that hold no row any more. Each run is deleted in one transaction, and partitions are
/// dropped under the lock that creates them, so a gc killed at any moment leaves every run whole or gone.
/// </summary>
public static class PostgresStoreMaintenance
{
    /// <summary>What the store takes: each month's partitions, the <paramref name="topRuns"/> largest runs, the other tables.</summary>
    /// <exception cref="PostgresStoreException">The store has no Repro tables, or another version of them.</exception>
    public static StoreUsage Usage(PostgresStoreAddress address, int topRuns = 20)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(topRuns);
        using var connection = Open(address);
        var months = Partitions(connection);
        var runs = new List<StoreRunUsage>();
        using (var command = new NpgsqlCommand("""
            SELECT run_id, name, status, events, scalars FROM (
                SELECT r.run_id, r.name, r.status,
                       coalesce((SELECT sum(pg_column_size(e.*)) FROM repro.events e WHERE e.run_id = r.run_id), 0)::bigint AS events,
                       coalesce((SELECT sum(pg_column_size(s.*)) FROM repro.scalars s WHERE s.run_id = r.run_id), 0)::bigint AS scalars
                FROM repro.runs r) sizes
            ORDER BY events + scalars DESC, run_id
            LIMIT @top
            """, connection))
        {
            command.Parameters.AddWithValue("top", topRuns);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                runs.Add(new StoreRunUsage(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        var partitioned = months.Select(m => m.Suffix).SelectMany(s => new[] { "events_" + s, "scalars_" + s }).ToHashSet(StringComparer.Ordinal);
        long other = 0;
        using (var command = new NpgsqlCommand("""
            SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'repro' AND c.relkind IN ('r', 'p')
            """, connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                other += partitioned.Contains(reader.GetString(0)) ? 0 : reader.GetInt64(1);
            }
        }

        using var count = new NpgsqlCommand("SELECT count(*) FROM repro.runs", connection);
        return new StoreUsage(months, [.. runs.OrderByDescending(r => r.TotalBytes).ThenBy(r => r.RunId, StringComparer.Ordinal)], other, Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    /// <summary>What <see cref="Collect"/> would do now, changing nothing.</summary>
    public static GcPlan Plan(PostgresStoreAddress address, RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(policy);
        using var connection = Open(address);
        return Plan(connection, policy, now);
    }

    /// <summary>
    /// Deletes the runs and drops the partitions <see cref="Plan(PostgresStoreAddress, RetentionPolicy, DateTimeOffset)"/> names, each run in one
    /// transaction, and records a <c>gc</c> record naming the store in the audit log of <paramref name="auditHome"/>.
    /// </summary>
    public static GcPlan Collect(PostgresStoreAddress address, RetentionPolicy policy, DateTimeOffset now, string auditHome, IProgress<GcProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(auditHome);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(policy);
        using var connection = Open(address);
        var plan = Plan(connection, policy, now);
        var done = new List<GcItem>();
        foreach (var item in plan.Items.Where(i => i.Action == GcAction.DeleteStoreRun))
        {
            progress?.Report(new GcProgress(done.Count, plan.Items.Count, item));
            DeleteRun(connection, item.Target);
            done.Add(item);
        }

        // Partitions last, looked at again: the runs just deleted are gone from them now.
        foreach (var item in PartitionsToDrop(connection, [], now))
        {
            progress?.Report(new GcProgress(done.Count, plan.Items.Count, item));
            if (DropIfEmpty(connection, item.Target))
            {
                done.Add(item);
            }
        }

        progress?.Report(new GcProgress(done.Count, done.Count, null));
        plan = plan with { Items = done };
        Audit.AuditLog.Append(auditHome, "gc", [.. done.Where(i => i.Action == GcAction.DeleteStoreRun).Select(i => i.Target).Take(200)], details: new Dictionary<string, string>
        {
            ["target"] = address.Display,
            ["policy"] = policy.ToString(),
            ["store_runs_deleted"] = done.Count(i => i.Action == GcAction.DeleteStoreRun).ToString(CultureInfo.InvariantCulture),
            ["store_partitions_dropped"] = string.Join(" ", done.Where(i => i.Action == GcAction.DropStorePartition).Select(i => i.Target)),
            ["bytes_freed"] = done.Sum(i => i.Bytes).ToString(CultureInfo.InvariantCulture),
        });
        return plan;
    }

    private static GcPlan Plan(NpgsqlConnection connection, RetentionPolicy policy, DateTimeOffset now)
    {
        var items = new List<GcItem>();
        var notes = new List<string>();
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("""
            SELECT r.manifest_json,
                   coalesce((SELECT sum(pg_column_size(e.*)) FROM repro.events e WHERE e.run_id = r.run_id), 0)::bigint
                 + coalesce((SELECT sum(pg_column_size(s.*)) FROM repro.scalars s WHERE s.run_id = r.run_id), 0)::bigint
            FROM repro.runs r WHERE r.status IN ('failed', 'crashed') ORDER BY r.run_id
            """, connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                RunManifest run;
                try
                {
                    run = RunManifestJson.Deserialize(reader.GetString(0), "the central store");
                }
                catch (InvalidDataException e)
                {
                    notes.Add($"a run's manifest in the store cannot be read, so it was left alone: {e.Message}");
                    continue;
                }

                if (policy.ForRun(run.Tags, out var problem) is not { } own)
                {
                    notes.Add($"run {run.RunId} in the store was left alone: {problem}");
                    continue;
                }

                var ended = run.EndedAt ?? run.StartedAt;
                var kept = run.Tags.TryGetValue(RetentionPolicy.KeepTag, out var value) && string.Equals(value, RetentionPolicy.KeepValue, StringComparison.OrdinalIgnoreCase);
                if (own.FailedRunsFor is { } keep && !kept && now - ended > keep)
                {
                    deleted.Add(run.RunId);
                    items.Add(new GcItem(GcAction.DeleteStoreRun, run.RunId, reader.GetInt64(1), string.Create(CultureInfo.InvariantCulture,
                        $"{run.Status.ToString().ToLowerInvariant()} {(now - ended).TotalDays:0} days ago (failed_runs_days={keep.TotalDays:0.###})")));
                }
            }
        }

        items.AddRange(PartitionsToDrop(connection, deleted, now));
        return new GcPlan(policy, items, [], notes);
    }

    /// <summary>The past months whose partitions hold no row of a run that stays (all but <paramref name="deleted"/>).</summary>
    private static List<GcItem> PartitionsToDrop(NpgsqlConnection connection, HashSet<string> deleted, DateTimeOffset now)
    {
        var thisMonth = new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var items = new List<GcItem>();
        foreach (var month in Partitions(connection))
        {
            if (MonthOf(month.Suffix) is { } start && start < thisMonth && RunsIn(connection, month.Suffix).All(deleted.Contains))
            {
                items.Add(new GcItem(GcAction.DropStorePartition, month.Suffix, month.TotalBytes,
                    string.Create(CultureInfo.InvariantCulture, $"the partitions of {start:yyyy-MM} hold no run that stays")));
            }
        }

        return items;
    }

    private static void DeleteRun(NpgsqlConnection connection, string runId)
    {
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand("""
            DELETE FROM repro.events WHERE run_id = @run;
            DELETE FROM repro.scalars WHERE run_id = @run;
            DELETE FROM repro.metrics WHERE run_id = @run;
            DELETE FROM repro.ship_cursors WHERE run_id = @run;
            DELETE FROM repro.runs WHERE run_id = @run;
            """, connection, transaction);
        command.Parameters.AddWithValue("run", runId);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>Drops a month's two partitions under the lock that creates them, unless a row arrived since the plan.</summary>
    private static bool DropIfEmpty(NpgsqlConnection connection, string suffix)
    {
        using var transaction = connection.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.MigrationLock.ToString(CultureInfo.InvariantCulture)})", connection, transaction))
        {
            lockCommand.ExecuteNonQuery();
        }

        using (var check = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM repro.events_{suffix}) OR EXISTS (SELECT 1 FROM repro.scalars_{suffix})", connection, transaction))
        {
            if (check.ExecuteScalar() is true)
            {
                transaction.Rollback();
                return false;
            }
        }

        using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS repro.events_{suffix}, repro.scalars_{suffix}", connection, transaction);
        drop.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    private static List<string> RunsIn(NpgsqlConnection connection, string suffix)
    {
        var runs = new List<string>();
        using var command = new NpgsqlCommand($"SELECT DISTINCT run_id FROM repro.events_{suffix} UNION SELECT DISTINCT run_id FROM repro.scalars_{suffix}", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs.Add(reader.GetString(0));
        }

        return runs;
    }

    /// <summary>The month partitions, oldest first, with their sizes and how many runs they hold.</summary>
    private static List<StorePartitionUsage> Partitions(NpgsqlConnection connection)
    {
        var suffixes = new List<string>();
        using (var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'repro.events'::regclass ORDER BY c.relname
            """, connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (name.StartsWith("events_", StringComparison.Ordinal) && MonthOf(name["events_".Length..]) is not null)
                {
                    suffixes.Add(name["events_".Length..]);
                }
            }
        }

        var months = new List<StorePartitionUsage>();
        foreach (var suffix in suffixes)
        {
            using var command = new NpgsqlCommand($"""
                SELECT pg_total_relation_size('repro.events_{suffix}'), coalesce(pg_total_relation_size(to_regclass('repro.scalars_{suffix}')), 0),
                       (SELECT count(*) FROM (SELECT run_id FROM repro.events_{suffix} UNION SELECT run_id FROM repro.scalars_{suffix}) runs)
                """, connection);
            using var reader = command.ExecuteReader();
            reader.Read();
            months.Add(new StorePartitionUsage(suffix, reader.GetInt64(2), reader.GetInt64(0), reader.GetInt64(1)));
        }

        return months;
    }

    /// <summary>The first day of the month a partition suffix (<c>y2026m12</c>) names; null for any other name.</summary>
    private static DateTime? MonthOf(string suffix) =>
        DateTime.TryParseExact(suffix, "'y'yyyy'm'MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
            ? DateTime.SpecifyKind(month, DateTimeKind.Utc)
            : null;

    private static NpgsqlConnection Open(PostgresStoreAddress address)
    {
        var connection = new NpgsqlConnection(address.ConnectionString);
        try
        {
            connection.Open();
            PostgresSchema.Check(connection, address.Display);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
