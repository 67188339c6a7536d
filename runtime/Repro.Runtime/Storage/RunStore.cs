using Google.Protobuf;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>Reads the runs kept under one Repro home: their manifests and their events.</summary>
public sealed class RunStore
{
    /// <summary>Opens the store at <paramref name="home"/> (see <see cref="ReproHome.Resolve"/>).</summary>
    public RunStore(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Home = Path.GetFullPath(home);
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
                runs.Add(RunManifestJson.Read(ReproHome.ManifestPath(folder)));
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
    public RunManifest GetRun(string runId) => RunManifestJson.Read(ReproHome.ManifestPath(RunDirectoryOf(runId)));

    /// <summary>Streams the events of run <paramref name="runId"/> in log order, stopping at the first damaged record.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="onCorruption">Called for a damaged record, with its file and offset.</param>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public IEnumerable<Event> ReadEvents(string runId, Action<WalCorruption>? onCorruption = null)
    {
        var walDirectory = ReproHome.WalDirectory(RunDirectoryOf(runId));
        return ReadEventsIterator(walDirectory, onCorruption);
    }

    private static IEnumerable<Event> ReadEventsIterator(string walDirectory, Action<WalCorruption>? onCorruption)
    {
        foreach (var segment in WalReader.ListSegments(walDirectory))
        {
            WalCorruption? corruption = null;
            foreach (var record in WalReader.ReadSegment(segment, c => corruption = c))
            {
                Event evt;
                try
                {
                    evt = Event.Parser.ParseFrom(record.Payload.Span);
                }
                catch (InvalidProtocolBufferException e)
                {
                    // The CRC matched, so the bytes are what was written: a format this reader does not know.
                    corruption = new WalCorruption(segment, record.Offset, $"undecodable event: {e.Message}");
                    break;
                }

                yield return evt;
            }

            if (corruption is not null)
            {
                onCorruption?.Invoke(corruption);
                yield break;
            }
        }
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
