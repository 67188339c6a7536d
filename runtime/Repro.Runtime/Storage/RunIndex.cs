using System.Globalization;
using Repro.Sinks;

namespace Repro.Storage;

/// <summary>What an index update did.</summary>
/// <param name="Runs">Runs indexed.</param>
/// <param name="Events">Events delivered (past the index's cursors).</param>
/// <param name="Problems">Damage found in WALs (those records are not in the index), with file and offset.</param>
public sealed record RunIndexReport(int Runs, long Events, IReadOnlyList<string> Problems);

/// <summary>Keeps <c>$REPRO_HOME/index.db</c> up to date with the runs' WALs, or rebuilds it from them.</summary>
public static class RunIndex
{
    /// <summary>The index file of a Repro home.</summary>
    public static string PathOf(string home) => Path.Combine(home, "index.db");

    /// <summary>Brings the index up to date: every run's row, and every event past the index's cursor for it.</summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="logger">Where WAL damage and index failures are reported; none by default.</param>
    public static RunIndexReport Update(RunStore store, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return UpdateInto(store, PathOf(store.Home), scratch: false, logger);
    }

    /// <summary>
    /// Rebuilds the index from the WALs alone: into a new file first, whose content then replaces the
    /// live index's in one SQLite transaction (the backup API), so processes reading or updating the
    /// index meanwhile see the old index or the new one, and their journal files are never deleted.
    /// </summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="logger">Where WAL damage and index failures are reported; none by default.</param>
    public static RunIndexReport Rebuild(RunStore store, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ReproHome.CreateOwnerOnlyDirectory(store.Home);
        var target = PathOf(store.Home);
        var temporary = $"{target}.rebuild-{Environment.ProcessId}";
        DeleteDatabase(temporary);
        try
        {
            var report = UpdateInto(store, temporary, scratch: true, logger);
            using (var live = OpenOrReplaceForeign(target))
            {
                live.ReplaceContentWith(temporary);
            }

            return report;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteDatabase(temporary); // only this process's own scratch files
        }
    }

    /// <summary>
    /// The runs that pass every filter of <paramref name="search"/>, answered from the index after refreshing the
    /// rows of runs whose manifest or annotations changed since they were indexed (and of runs still running), so
    /// the answer is current without reading every manifest. Events are not indexed here; see <see cref="Update"/>.
    /// </summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="search">The filters and the order.</param>
    /// <param name="onUnreadable">Called with the folder and the reason for each run that cannot be read.</param>
    /// <exception cref="ReproHomeException">The index cannot be created or written.</exception>
    /// <exception cref="InvalidDataException">index.db is not an index of this version; the message says how to rebuild it.</exception>
    public static IReadOnlyList<RunSearchHit> Search(RunStore store, RunSearch search, Action<string, string>? onUnreadable = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(search);
        ReproHome.CreateOwnerOnlyDirectory(store.Home);
        using var index = OpenIndex(PathOf(store.Home));
        Refresh(store, index, onUnreadable);
        return index.Search(search);
    }

    /// <summary>Brings the runs half of the index up to date with the run folders (new, changed, running, deleted runs).</summary>
    private static void Refresh(RunStore store, SqliteIndexSink index, Action<string, string>? onUnreadable)
    {
        var runsDirectory = new DirectoryInfo(ReproHome.RunsDirectory(store.Home));
        var folders = runsDirectory.Exists ? runsDirectory.GetDirectories() : [];
        var indexed = index.IndexedRuns();
        var present = new HashSet<string>(StringComparer.Ordinal);
        var now = DateTime.UtcNow;
        var changed = new List<(Runs.RunManifest, string?)>();
        foreach (var folder in folders)
        {
            var runId = folder.Name;
            if (!Ulid.TryParse(runId, out _))
            {
                continue;
            }

            present.Add(runId);
            var stamp = StampOf(folder, now);
            // A running run is read again every time: its writer may have died, and reading it recovers it.
            if (stamp != Unsettled && indexed.TryGetValue(runId, out var known) && known.Stamp == stamp && known.Status != "running")
            {
                continue;
            }

            try
            {
                // The stamp taken before reading: a change made meanwhile makes the next search read the run again.
                changed.Add((store.GetRun(runId), stamp));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or RunNotFoundException)
            {
                onUnreadable?.Invoke(folder.FullName, e.Message);
            }
        }

        // One commit per few hundred runs: the first search of a large home indexes every run.
        foreach (var batch in changed.Chunk(500))
        {
            index.IndexRuns(batch);
        }

        foreach (var runId in indexed.Keys.Where(id => !present.Contains(id)))
        {
            index.ForgetRun(runId);
        }
    }

    /// <summary>
    /// When a run folder last changed: its modification time, which every replacement of manifest.json or
    /// annotations.json moves (both are written beside and renamed into the folder). One stat per run. A time
    /// younger than <see cref="SettleTime"/> is not trusted, since two changes within one tick of the file system's
    /// clock share a time: such a run is read again on the next search.
    /// </summary>
    internal static string StampOf(DirectoryInfo runDirectory, DateTime now)
    {
        var changed = runDirectory.LastWriteTimeUtc;
        return now - changed < SettleTime ? Unsettled : changed.Ticks.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>How old a folder's modification time must be to be trusted as its stamp.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    // Never equal to a stored stamp, so the run is read again.
    private const string Unsettled = "unsettled";

    private static RunIndexReport UpdateInto(RunStore store, string path, bool scratch, Microsoft.Extensions.Logging.ILogger? logger)
    {
        var problems = new List<string>();
        var runs = store.ListRuns((folder, reason) => problems.Add($"{folder}: {reason}"));
        long events = 0;
        using (var index = OpenIndex(path, scratch))
        {
            foreach (var run in runs)
            {
                var result = SinkReplay.Replay(store, run.RunId, index, logger: logger);
                // Read again after the replay: a run still writing when listed may have ended meanwhile.
                var stamp = StampOf(new DirectoryInfo(ReproHome.RunDirectory(store.Home, run.RunId)), DateTime.UtcNow);
                index.IndexRun(store.GetRun(run.RunId), stamp);
                events += result.Delivered;
                problems.AddRange(result.Problems.Select(p => p.ToString()));
            }
        }

        // Hand the rebuilt file over whole: fold the SQLite journal into it before it is moved.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return new RunIndexReport(runs.Count, events, problems);
    }

    /// <summary>
    /// Opens the index, turning SQLite's "unable to open database file" (error 14) and "attempt to write a
    /// readonly database" (8) into an error that names the file, the cause and what to do.
    /// </summary>
    private static SqliteIndexSink OpenIndex(string path, bool scratch = false)
    {
        try
        {
            return new SqliteIndexSink(path, scratch);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 14 or 8 } or (IOException and not ReproHomeException))
        {
            var folder = Path.GetDirectoryName(path)!;
            Exception cause = e is UnauthorizedAccessException or IOException ? e
                : Directory.Exists(folder) ? new UnauthorizedAccessException($"{path} cannot be created or written", e)
                : new DirectoryNotFoundException($"{folder} does not exist", e);
            throw new ReproHomeException(path, cause);
        }
    }

    /// <summary>
    /// The live index, or, when the file is not an index of this version (damaged, another schema), a
    /// fresh one in its place: rebuilding is how such a file is repaired, and nobody can be using it.
    /// </summary>
    private static SqliteIndexSink OpenOrReplaceForeign(string target)
    {
        try
        {
            return new SqliteIndexSink(target);
        }
        catch (InvalidDataException)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteDatabase(target);
            return new SqliteIndexSink(target);
        }
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
