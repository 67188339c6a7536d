using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>
/// Where recorded runs are read from: the local Repro home (<see cref="RunStore"/>) or a central PostgreSQL store
/// (<see cref="Postgres.PostgresRunReader"/>). Both give the same answers for the same runs, so every command that
/// reads runs works against either.
/// </summary>
public interface IRunReader
{
    /// <summary>What is read, for messages: a home's path, or a store's address without its password.</summary>
    string Description { get; }

    /// <summary>The full id of the run that <paramref name="idOrPrefix"/> names: a run id, <c>latest</c>, or a unique beginning of one.</summary>
    /// <exception cref="RunNotFoundException">No run matches.</exception>
    /// <exception cref="ArgumentException">The prefix matches several runs or cannot start a run id.</exception>
    string ResolveRunId(string idOrPrefix);

    /// <summary>The manifest of run <paramref name="runId"/>, with its annotations applied.</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    RunManifest GetRun(string runId);

    /// <summary>The runs that pass every filter of <paramref name="search"/>, newest first or in the metric's order.</summary>
    /// <param name="search">The filters and the order.</param>
    /// <param name="onUnreadable">Called with the place and the reason for each run that cannot be read.</param>
    IReadOnlyList<RunSearchHit> Search(RunSearch search, Action<string, string>? onUnreadable = null);

    /// <summary>The runs of one distributed job (every rank that recorded), by rank.</summary>
    IReadOnlyList<RunManifest> JobRuns(string jobId);

    /// <summary>Streams the events of run <paramref name="runId"/> in log order (scalars expanded one event each).</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    IEnumerable<Event> ReadEvents(string runId, Action<WalCorruption>? onCorruption = null);

    /// <summary>Streams the records of run <paramref name="runId"/>'s log in order: events, and scalars in batches.</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    IEnumerable<LogRecord> ReadRecords(string runId, Action<WalCorruption>? onCorruption = null);

    /// <summary>The sequence number of the last event recorded so far (a running run's manifest says 0 until it ends).</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    ulong LastSequenceInLog(string runId);
}
