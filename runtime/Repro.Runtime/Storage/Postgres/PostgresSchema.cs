using System.Globalization;
using Npgsql;

namespace Repro.Storage.Postgres;

/// <summary>
/// The central store's tables, in the <c>repro</c> schema, as numbered migrations: <c>repro store migrate</c> applies
/// the missing ones in order (each in its own transaction, under an advisory lock, so two migrating processes apply
/// each migration once), and every connection checks the version first. Documented in docs/formats/postgres.md.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The schema version this Repro reads and writes.</summary>
    public const int CurrentVersion = 1;

    // pg_advisory_xact_lock key for migrations: "repro" in ASCII, then 1.
    internal const long MigrationLock = 0x7265_7072_6F00_0001;

    /// <summary>Every migration, by version: what it adds and its SQL.</summary>
    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> Migrations =
    [
        (1, "runs, tags, hyperparameters, metric summaries and declarations; events and chunked scalars partitioned by month; ship cursors; artifact and dataset references", Version1),
    ];

    private const string Version1 = """
        CREATE TABLE repro.runs (
            run_id text COLLATE "C" PRIMARY KEY,
            job_id text, rank integer NOT NULL, world_size integer NOT NULL, host text NOT NULL,
            name text NOT NULL, status text NOT NULL, started_at text NOT NULL, ended_at text,
            git_commit text, dirty boolean, last_sequence bigint NOT NULL, dropped_events bigint NOT NULL,
            manifest_json text NOT NULL, source bytea, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX runs_by_job ON repro.runs (job_id, rank) WHERE job_id IS NOT NULL;
        CREATE INDEX runs_by_start ON repro.runs (started_at);
        CREATE TABLE repro.run_tags (run_id text COLLATE "C" NOT NULL REFERENCES repro.runs ON DELETE CASCADE, key text NOT NULL, value text NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE repro.run_params (run_id text COLLATE "C" NOT NULL REFERENCES repro.runs ON DELETE CASCADE, path text NOT NULL, number double precision, text text NOT NULL, PRIMARY KEY (run_id, path));
        CREATE TABLE repro.run_metrics (run_id text COLLATE "C" NOT NULL REFERENCES repro.runs ON DELETE CASCADE, name text NOT NULL, goal text,
            best double precision, best_step bigint, last double precision, last_step bigint, PRIMARY KEY (run_id, name));
        CREATE TABLE repro.metrics (run_id text COLLATE "C" NOT NULL, metric_id integer NOT NULL, name text NOT NULL, value_type integer NOT NULL,
            unit text NOT NULL, goal text, declaration bytea NOT NULL, PRIMARY KEY (run_id, metric_id));
        CREATE INDEX metrics_by_name ON repro.metrics (run_id, name);
        CREATE TABLE repro.events (
            run_id text COLLATE "C" NOT NULL, event_id uuid NOT NULL, sequence bigint NOT NULL, time_unix_nanos bigint NOT NULL,
            step bigint NOT NULL, name text NOT NULL, type text NOT NULL, payload bytea NOT NULL,
            PRIMARY KEY (run_id, event_id)) PARTITION BY RANGE (run_id);
        CREATE INDEX events_by_sequence ON repro.events (run_id, sequence);
        CREATE INDEX events_by_name ON repro.events (run_id, name, step);
        CREATE TABLE repro.scalars (
            run_id text COLLATE "C" NOT NULL, first_event_id uuid NOT NULL, batch_sequence bigint NOT NULL, batch_event_id uuid NOT NULL,
            batch_count integer NOT NULL, first_time_unix_nanos bigint NOT NULL, metric_id integer NOT NULL,
            min_step bigint NOT NULL, max_step bigint NOT NULL,
            offsets integer[] NOT NULL, steps bigint[] NOT NULL, times bigint[] NOT NULL, vals double precision[] NOT NULL,
            PRIMARY KEY (run_id, first_event_id)) PARTITION BY RANGE (run_id);
        CREATE INDEX scalars_by_metric ON repro.scalars (run_id, metric_id, min_step);
        CREATE TABLE repro.ship_cursors (run_id text COLLATE "C" PRIMARY KEY, sequence bigint NOT NULL, resume_at bytea, shipped_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE repro.artifacts (run_id text COLLATE "C" NOT NULL REFERENCES repro.runs ON DELETE CASCADE, name text NOT NULL, kind text NOT NULL,
            sha256 text NOT NULL, size bigint NOT NULL, media_type text NOT NULL, step bigint NOT NULL, location text NOT NULL, PRIMARY KEY (run_id, name, sha256));
        CREATE INDEX artifacts_by_hash ON repro.artifacts (sha256);
        CREATE TABLE repro.datasets (run_id text COLLATE "C" NOT NULL REFERENCES repro.runs ON DELETE CASCADE, name text NOT NULL, sha256 text NOT NULL,
            algorithm text NOT NULL, files bigint NOT NULL, bytes bigint NOT NULL, source text NOT NULL, listing_sha256 text NOT NULL, PRIMARY KEY (run_id, name, sha256));
        CREATE INDEX datasets_by_hash ON repro.datasets (sha256);
        """;

    /// <summary>The version of the store's schema: 0 when Repro's tables are not there.</summary>
    public static int VersionOf(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT to_regclass('repro.schema_migrations') IS NOT NULL", connection);
        if (command.ExecuteScalar() is not true)
        {
            return 0;
        }

        command.CommandText = "SELECT coalesce(max(version), 0) FROM repro.schema_migrations";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Applies the migrations the store lacks, in order; returns the versions applied (none when it was current).</summary>
    /// <exception cref="PostgresStoreException">The store is of a newer version than this Repro.</exception>
    public static IReadOnlyList<int> Migrate(NpgsqlConnection connection, string display)
    {
        var applied = new List<int>();
        foreach (var (version, description, sql) in Migrations)
        {
            using var transaction = connection.BeginTransaction();
            using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock.ToString(CultureInfo.InvariantCulture)}); CREATE SCHEMA IF NOT EXISTS repro; " +
                "CREATE TABLE IF NOT EXISTS repro.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());", connection, transaction))
            {
                command.ExecuteNonQuery();
            }

            var current = VersionOf(connection);
            if (current > CurrentVersion)
            {
                throw TooNew(display, current);
            }

            if (current >= version)
            {
                transaction.Rollback();
                continue;
            }

            using (var command = new NpgsqlCommand(sql + "\nINSERT INTO repro.schema_migrations (version, description) VALUES (@version, @description);", connection, transaction))
            {
                command.Parameters.AddWithValue("version", version);
                command.Parameters.AddWithValue("description", description);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            applied.Add(version);
        }

        return applied;
    }

    /// <summary>Fails unless the store's schema is the one this Repro writes, saying what to do.</summary>
    /// <exception cref="PostgresStoreException">The schema is missing, older or newer.</exception>
    public static void Check(NpgsqlConnection connection, string display)
    {
        var version = VersionOf(connection);
        if (version == CurrentVersion)
        {
            return;
        }

        throw version > CurrentVersion
            ? TooNew(display, version)
            : new PostgresStoreException(version == 0
                ? $"The store {display} has no Repro tables yet: run `repro store migrate --store {display}` once to create them."
                : $"The store {display} has schema version {version}; this Repro needs version {CurrentVersion}: run `repro store migrate --store {display}`.");
    }

    private static PostgresStoreException TooNew(string display, int version) =>
        new($"The store {display} has schema version {version}, newer than this Repro understands ({CurrentVersion}): update Repro to read or write it.");

    /// <summary>
    /// Creates the monthly partitions of the events and scalars tables that hold run <paramref name="runId"/> (run ids are
    /// ULIDs, which begin with their start time, so a month of runs is a range of ids, and dropping a month is a partition drop).
    /// </summary>
    public static void EnsurePartitions(NpgsqlConnection connection, string runId)
    {
        var started = Ulid.Parse(runId, System.Globalization.CultureInfo.InvariantCulture).Time.UtcDateTime;
        var month = new DateTime(started.Year, started.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var from = BoundOf(month);
        var to = BoundOf(month.AddMonths(1));
        var suffix = month.ToString("'y'yyyy'm'MM", CultureInfo.InvariantCulture);
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({MigrationLock.ToString(CultureInfo.InvariantCulture)});" +
            $"CREATE TABLE IF NOT EXISTS repro.events_{suffix} PARTITION OF repro.events FOR VALUES FROM ('{from}') TO ('{to}');" +
            $"CREATE TABLE IF NOT EXISTS repro.scalars_{suffix} PARTITION OF repro.scalars FOR VALUES FROM ('{from}') TO ('{to}');",
            connection, transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The smallest run id of a moment: its ULID time and zero randomness.</summary>
    internal static string BoundOf(DateTime moment) => Ulid.NewUlid(new DateTimeOffset(moment), new byte[10]).ToString();
}
