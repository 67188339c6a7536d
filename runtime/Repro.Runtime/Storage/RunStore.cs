using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>
/// Reads the runs kept under one Repro home: their manifests and their events. A run whose manifest
/// says "running" but whose writer is gone is recovered when it is read (see <see cref="RunStatus.Crashed"/>).
/// </summary>
public sealed class RunStore
{
    private readonly ILogger _logger;

    /// <summary>Opens the store at <paramref name="home"/> (see <see cref="ReproHome.Resolve"/>).</summary>
    /// <param name="home">The Repro home.</param>
    /// <param name="logger">Where recovery reports go; none by default.</param>
    public RunStore(string home, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Home = Path.GetFullPath(home);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute path of the Repro home.</summary>
    public string Home { get; }

    /// <summary>
    /// Every run whose manifest can be read, newest first (run ids are ULIDs, so they sort by start time).
    /// </summary>
    /// <param name="onUnreadable">Called with the folder and the reason for each run that cannot be read.</param>
    public IReadOnlyList<RunManifest> ListRuns(Action<string, string>? onUnreadable = null)
    {
        var runsDirectory = ReproHome.RunsDirectory(Home);
        if (!Directory.Exists(runsDirectory))
        {
            return [];
        }

        var folders = Directory.GetDirectories(runsDirectory);
        Array.Sort(folders, StringComparer.Ordinal);
        Array.Reverse(folders);
        var runs = new List<RunManifest>(folders.Length);
        foreach (var folder in folders)
        {
            try
            {
                runs.Add(RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder))));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                onUnreadable?.Invoke(folder, e.Message);
            }
        }

        return runs;
    }

    /// <summary>The manifest of run <paramref name="runId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a ULID.</exception>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    /// <exception cref="InvalidDataException">The manifest is unreadable.</exception>
    public RunManifest GetRun(string runId)
    {
        var folder = RunDirectoryOf(runId);
        return RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder)));
    }

    /// <summary>Streams the events of run <paramref name="runId"/> in log order; damaged records are reported and skipped.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="onCorruption">Called for each damaged stretch, with its file and offset.</param>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public IEnumerable<Event> ReadEvents(string runId, Action<WalCorruption>? onCorruption = null)
        => ReadEventsFrom(runId, null, onCorruption);

    /// <summary>
    /// Streams the events of run <paramref name="runId"/> from a checkpoint an earlier read returned
    /// (events at the checkpoint's record come again: skip them by sequence); from the start of the log
    /// when <paramref name="resumeAt"/> is null or does not fit it.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public WalEventSequence ReadEventsFrom(string runId, ReplayCheckpoint? resumeAt, Action<WalCorruption>? onCorruption = null)
    {
        var folder = RunDirectoryOf(runId);
        var manifest = RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder)));
        var expectedLast = manifest.Status == RunStatus.Running ? (ulong?)null : manifest.LastSequence;
        return WalEventReader.ReadFrom(ReproHome.WalDirectory(folder), resumeAt, onCorruption, expectedLast);
    }

    /// <summary>A running manifest whose writer lock is free belongs to a dead process: recover it.</summary>
    private RunManifest RecoverIfCrashed(string folder, RunManifest manifest)
    {
        if (manifest.Status != RunStatus.Running)
        {
            return manifest;
        }

        using var held = RunLock.TryAcquire(folder);
        if (held is null)
        {
            return manifest; // its writer is alive
        }

        // Re-read under the lock: another reader may have recovered it meanwhile.
        var current = RunManifestJson.Read(ReproHome.ManifestPath(folder));
        return current.Status == RunStatus.Running ? RunRecovery.Recover(folder, current, _logger) : current;
    }

    private string RunDirectoryOf(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!Ulid.TryParse(runId, out var parsed) || !string.Equals(parsed.ToString(), runId.ToUpperInvariant(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{runId}' is not a run id: run ids are 26-character ULIDs such as 01JDQ4Z7Y3M5N8P2R6T9V0W1X2.", nameof(runId));
        }

        var directory = ReproHome.RunDirectory(Home, parsed.ToString());
        if (!Directory.Exists(directory))
        {
            throw new RunNotFoundException(parsed.ToString(), Home);
        }

        return directory;
    }
}
