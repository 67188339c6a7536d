using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>
/// Brings a run whose writer died back to a consistent state: cuts the torn tail of its last
/// segment, closes summaries whose interval was open, records a <c>crashed</c> event after the last
/// intact one (unless the log already ends the run), and rewrites the manifest.
/// </summary>
/// <remarks>
/// Recovery is idempotent and survives being killed at any step. Its evidence (what was cut, which
/// records were damaged) is written to <c>recovery.json</c> before the log is touched, so an
/// interrupted recovery's successor reports the first recovery's findings, not its own empty ones;
/// and every step is decided from what the log holds, so no step is done twice: a log that already
/// ends in a lifecycle end event gets no second one.
/// </remarks>
internal static class RunRecovery
{
    /// <summary>Name of the evidence file in the run folder, present only while a recovery is unfinished.</summary>
    public const string EvidenceFileName = "recovery.json";

    /// <summary>Test hook: called after each durable step ("evidence", "truncated", "appended", "manifest").</summary>
    internal static Action<string>? StepCompleted { get; set; }

    /// <summary>Recovers the run in <paramref name="runDirectory"/>. The caller holds its <see cref="RunLock"/>.</summary>
    public static RunManifest Recover(string runDirectory, RunManifest manifest, ILogger logger)
    {
        var walDirectory = ReproHome.WalDirectory(runDirectory);
        var scan = LogScan.Read(walDirectory);
        var segments = WalReader.ListSegments(walDirectory);
        var tail = segments.Count > 0 && scan.Problems.LastOrDefault(p => p.SegmentPath == segments[^1]) is { IsTail: true } t ? t : null;
        long truncated = tail is null ? 0 : new FileInfo(tail.SegmentPath).Length - tail.Offset;

        var evidencePath = Path.Combine(runDirectory, EvidenceFileName);
        var evidence = ReadEvidence(evidencePath) ?? new RunRecoveryReport(
            DateTimeOffset.UtcNow, truncated, scan.Problems.Select(p => p.ToString()).ToArray(),
            scan.OpenIntervals.Select(e => e.Name).Order(StringComparer.Ordinal).ToArray(), Outcome: OutcomeOf(scan.End));
        if (!File.Exists(evidencePath))
        {
            AtomicFile.WriteAllText(evidencePath, RunManifestJson.SerializeRecovery(evidence) + "\n");
        }

        StepCompleted?.Invoke("evidence");

        if (tail is not null)
        {
            // Only a damaged end is cut: every complete record before it stays.
            using var stream = new FileStream(tail.SegmentPath, FileMode.Open, FileAccess.Write, FileShare.None);
            stream.SetLength(tail.Offset);
            stream.Flush(flushToDisk: true);
        }

        StepCompleted?.Invoke("truncated");

        foreach (var problem in scan.Problems)
        {
            Diagnostics.ReproLog.DamagedLog(logger, manifest.RunId, problem);
        }

        var lastSequence = scan.Last?.Sequence ?? 0;
        var lastTime = scan.Last is null ? manifest.StartedAt : DateTimeOffset.UnixEpoch.AddTicks(scan.Last.TimestampUnixNanos / 100);
        if (segments.Count > 0 && scan.End is null)
        {
            lastSequence = AppendClosingEvents(segments[^1], manifest.RunId, scan, lastSequence);
        }

        StepCompleted?.Invoke("appended");

        var recovered = manifest with
        {
            Status = scan.End?.Lifecycle.Kind switch
            {
                Lifecycle.Types.Kind.Finished => RunStatus.Finished,
                Lifecycle.Types.Kind.Failed => RunStatus.Failed,
                _ => RunStatus.Crashed,
            },
            EndedAt = lastTime,
            LastSequence = lastSequence,
            DroppedEvents = Math.Max(manifest.DroppedEvents, scan.Dropped),
            Best = new SortedDictionary<string, BestValue>(scan.Best.Best.ToDictionary(), StringComparer.Ordinal),
            Last = scan.LastValues,
            Failure = scan.End?.Lifecycle.Kind == Lifecycle.Types.Kind.Failed ? scan.End.Lifecycle.Message : manifest.Failure,
            Recovery = evidence,
        };
        RunManifestJson.Write(ReproHome.ManifestPath(runDirectory), recovered);
        StepCompleted?.Invoke("manifest");
        File.Delete(evidencePath);
        Diagnostics.ReproLog.RunRecovered(logger, manifest.RunId, lastSequence, lastTime, evidence.TruncatedBytes);
        return recovered;
    }

    private static string OutcomeOf(Event? end) => end?.Lifecycle.Kind switch
    {
        Lifecycle.Types.Kind.Finished => "finished",
        Lifecycle.Types.Kind.Failed => "failed",
        _ => "crashed",
    };

    private static RunRecoveryReport? ReadEvidence(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return RunManifestJson.DeserializeRecovery(File.ReadAllText(path), path);
        }
        catch (InvalidDataException)
        {
            // Written atomically, so this is damage from outside: start the evidence afresh.
            File.Delete(path);
            return null;
        }
    }

    /// <summary>
    /// Appends, in one fsynced write, a final summary for every interval left open and the
    /// <c>crashed</c> event. A torn write of these is itself a torn tail the next recovery cuts.
    /// </summary>
    private static ulong AppendClosingEvents(string segment, string runId, LogScan scan, ulong lastSequence)
    {
        var runIdBytes = ByteString.CopyFrom(Ulid.Parse(runId, System.Globalization.CultureInfo.InvariantCulture).ToByteArray());
        var timestamp = scan.Last?.TimestampUnixNanos ?? 0;
        using var writer = new WalWriter(segment);
        foreach (var open in scan.OpenIntervals)
        {
            var closed = open.Clone();
            closed.Source = null;
            closed.IntervalOpen = false;
            closed.EventId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray());
            closed.Sequence = ++lastSequence;
            closed.TimestampUnixNanos = timestamp;
            writer.Append(new Record { Event = closed }.ToByteArray());
        }

        var crashed = new Event
        {
            EventId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray()),
            RunId = runIdBytes,
            Sequence = lastSequence + 1,
            TimestampUnixNanos = timestamp,
            Name = "crashed",
            Lifecycle = new Lifecycle
            {
                Kind = Lifecycle.Types.Kind.Crashed,
                LastSequence = lastSequence,
                Message = scan.OpenIntervals.Count == 0
                    ? "The writing process ended without finishing the run; found when the run was next opened."
                    : $"The writing process ended without finishing the run; found when the run was next opened. Open intervals closed from their last flushed summary: {string.Join(", ", scan.OpenIntervals.Select(e => e.Name))}.",
            },
        };
        writer.Append(new Record { Event = crashed }.ToByteArray());
        writer.FlushDurable();
        return lastSequence + 1;
    }

    /// <summary>What one pass over the intact log found.</summary>
    private sealed class LogScan
    {
        public List<WalCorruption> Problems { get; } = [];

        public Event? Last { get; private set; }

        /// <summary>The lifecycle event that ends the run (finished, failed, crashed) when it is the log's last word.</summary>
        public Event? End { get; private set; }

        public ulong Dropped { get; private set; }

        public Aggregation.BestValueTracker Best { get; } = new();

        /// <summary>The last value of every metric the intact log holds a scalar of.</summary>
        public SortedDictionary<string, LastValue> LastValues { get; } = new(StringComparer.Ordinal);

        /// <summary>Summaries still marked open when the log ends, in log order.</summary>
        public List<Event> OpenIntervals => [.. _lastSummary.Values.Where(e => e.IntervalOpen).OrderBy(e => e.Sequence)];

        private readonly Dictionary<string, Event> _lastSummary = new(StringComparer.Ordinal);

        public static LogScan Read(string walDirectory)
        {
            var scan = new LogScan();
            var goals = new Dictionary<string, MetricGoal>(StringComparer.Ordinal);
            foreach (var evt in WalEventReader.Read(walDirectory, scan.Problems.Add))
            {
                scan.Last = evt;
                scan.End = evt.ValueCase == Event.ValueOneofCase.Lifecycle
                    && evt.Lifecycle.Kind is Lifecycle.Types.Kind.Finished or Lifecycle.Types.Kind.Failed or Lifecycle.Types.Kind.Crashed
                    ? evt
                    : null;
                switch (evt.ValueCase)
                {
                    case Event.ValueOneofCase.Dropped:
                        scan.Dropped = evt.Dropped.Total;
                        break;
                    case Event.ValueOneofCase.MetricDeclared:
                        goals[evt.Name] = (MetricGoal)evt.MetricDeclared.Goal;
                        break;
                    case Event.ValueOneofCase.Scalar:
                        scan.LastValues[evt.Name] = new LastValue(evt.Scalar.Value, evt.Step);
                        if (goals.TryGetValue(evt.Name, out var goal))
                        {
                            scan.Best.Offer(evt.Name, goal, evt.Step, evt.Scalar.Value);
                        }

                        break;
                }

                if (evt.ValueCase is Event.ValueOneofCase.Aggregate or Event.ValueOneofCase.Histogram or Event.ValueOneofCase.Sketch
                    || (evt.ValueCase == Event.ValueOneofCase.Scalar && (evt.IntervalOpen || scan._lastSummary.ContainsKey(evt.Name))))
                {
                    scan._lastSummary[evt.Name] = evt;
                }
            }

            return scan;
        }
    }
}
