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
public sealed class RunStore : IRunReader
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

    /// <inheritdoc />
    public string Description => $"the Repro home {Home}";

    /// <inheritdoc />
    /// <remarks>Answered from the home's index (see <see cref="RunIndex.Search"/>); nothing is created in a home that does not exist.</remarks>
    public IReadOnlyList<RunSearchHit> Search(RunSearch search, Action<string, string>? onUnreadable = null) =>
        Directory.Exists(Home) ? RunIndex.Search(this, search, onUnreadable) : [];

    /// <inheritdoc />
    public IReadOnlyList<RunManifest> JobRuns(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return [.. ListRuns().Where(run => string.Equals(run.Environment.JobId, jobId, StringComparison.Ordinal)).OrderBy(run => run.Environment.Rank).ThenBy(run => run.RunId, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public IEnumerable<LogRecord> ReadRecords(string runId, Action<WalCorruption>? onCorruption = null) => ReadRecordsFrom(runId, null, onCorruption);

    /// <summary>
    /// Streams the records of run <paramref name="runId"/>'s log from a checkpoint an earlier read returned (the
    /// checkpoint's record comes again: skip its events by sequence); from the start when it is null or does not fit.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public WalRecordSequence ReadRecordsFrom(string runId, ReplayCheckpoint? resumeAt, Action<WalCorruption>? onCorruption = null)
    {
        var folder = RunDirectoryOf(runId);
        var manifest = RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder)));
        var expectedLast = manifest.Status == RunStatus.Running ? (ulong?)null : manifest.LastSequence;
        return new WalRecordSequence(ReproHome.WalDirectory(folder), onCorruption, expectedLast, resumeAt);
    }

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
                runs.Add(Annotated(folder, RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder)))));
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
        return Annotated(folder, RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder))));
    }

    /// <summary>
    /// Sets and removes tags of run <paramref name="runId"/> and optionally replaces its note (kept in its
    /// annotations.json with the history of changes; the manifest the run wrote stays as it was).
    /// </summary>
    /// <returns>The run's manifest as readers now see it.</returns>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    /// <exception cref="ArgumentException">A tag or the note is invalid, or nothing would change.</exception>
    public RunManifest Annotate(string runId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, string? note)
    {
        var folder = RunDirectoryOf(runId);
        var manifest = RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder)));
        return RunAnnotations.Edit(folder, manifest, set, remove, note);
    }

    /// <summary>
    /// Points artifact tag <paramref name="tag"/> of ended run <paramref name="runId"/> at its artifact
    /// <paramref name="sha256"/> by hand (kept in its annotations.json), and records the move, from and to, with
    /// <paramref name="reason"/> in the home's audit log.
    /// </summary>
    /// <returns>The run's manifest as readers now see it, and the SHA-256 the tag pointed at before (null when it is new).</returns>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    /// <exception cref="ArgumentException">The tag is invalid, the object is not one of the run's artifacts, the reason is blank, or nothing would change.</exception>
    /// <exception cref="InvalidOperationException">The run is still going.</exception>
    public (RunManifest Manifest, string? Previous) MoveArtifactTag(string runId, string tag, string sha256, string reason)
    {
        var folder = RunDirectoryOf(runId);
        var manifest = Annotated(folder, RecoverIfCrashed(folder, RunManifestJson.Read(ReproHome.ManifestPath(folder))));
        var (moved, previous) = RunAnnotations.MoveArtifactTag(folder, manifest, tag, sha256, reason);
        Audit.AuditLog.Append(Home, "tag move", [manifest.RunId], reason, new Dictionary<string, string>
        {
            ["tag"] = tag,
            ["from"] = previous ?? "(none)",
            ["to"] = sha256,
        });
        return (moved, previous);
    }

    /// <summary>The manifest with the tags and note changed after the run started, when any were.</summary>
    private static RunManifest Annotated(string folder, RunManifest manifest) =>
        RunAnnotations.Read(folder) is { } annotations ? annotations.ApplyTo(manifest) : manifest;

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

    /// <summary>The word that names the newest run wherever a run id is expected.</summary>
    public const string Latest = "latest";

    /// <summary>
    /// The full id of the run that <paramref name="idOrPrefix"/> names: a whole run id, <c>latest</c> (the
    /// run started last), or the beginning of exactly one run's id (any case), as with git's short hashes.
    /// </summary>
    /// <exception cref="RunNotFoundException">No run matches; the message names the home.</exception>
    /// <exception cref="ArgumentException">The prefix matches several runs (they are listed) or cannot start a run id.</exception>
    public string ResolveRunId(string idOrPrefix)
    {
        var runsDirectory = ReproHome.RunsDirectory(Home);
        var ids = Directory.Exists(runsDirectory)
            ? Directory.GetDirectories(runsDirectory).Select(Path.GetFileName).OfType<string>().Where(n => Ulid.TryParse(n, out _)).Order(StringComparer.Ordinal).ToList()
            : [];
        return RunIds.Resolve(idOrPrefix, Home, () => ids.Count > 0 ? ids[^1] : null, prefix => ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList());
    }

    /// <summary>
    /// The sequence number of the last event in the run's log, read from its last segments only: what a
    /// running run has recorded so far (its manifest says 0 until it ends).
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public ulong LastSequenceInLog(string runId)
    {
        var segments = WalReader.ListSegments(ReproHome.WalDirectory(RunDirectoryOf(runId)));
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            ulong last = 0;
            foreach (var raw in WalReader.ReadSegment(segments[i]))
            {
                try
                {
                    var record = Events.Packing.PackedScalarDecoder.ParseRecord(raw.Payload.Span);
                    last = record.BodyCase switch
                    {
                        Record.BodyOneofCase.Event => Math.Max(last, record.Event.Sequence + Math.Max(1, record.Event.SequenceSpan) - 1),
                        Record.BodyOneofCase.Scalars when record.Scalars.Values.Count > 0 => Math.Max(last, record.Scalars.FirstSequence + (ulong)record.Scalars.Values.Count - 1),
                        _ => last,
                    };
                }
                catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or InvalidDataException)
                {
                    // Counted by the readers that report damage; a count skips it.
                }
            }

            if (last > 0)
            {
                return last;
            }
        }

        return 0;
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
