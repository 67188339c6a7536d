using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>
/// Brings a run whose writer died back to a consistent state: cuts the torn tail of its last
/// segment, records a <c>crashed</c> event after the last intact one, and marks the manifest
/// <see cref="RunStatus.Crashed"/> with the last sequence number and its time.
/// </summary>
internal static class RunRecovery
{
    /// <summary>Recovers the run in <paramref name="runDirectory"/>. The caller holds its <see cref="RunLock"/>.</summary>
    public static RunManifest Recover(string runDirectory, RunManifest manifest, ILogger logger)
    {
        var walDirectory = ReproHome.WalDirectory(runDirectory);
        var problems = new List<WalCorruption>();
        Event? last = null;
        ulong dropped = 0;
        var goals = new Dictionary<string, MetricGoal>(StringComparer.Ordinal);
        var best = new Aggregation.BestValueTracker();
        foreach (var evt in WalEventReader.Read(walDirectory, problems.Add))
        {
            last = evt;
            switch (evt.ValueCase)
            {
                case Event.ValueOneofCase.Dropped:
                    dropped = evt.Dropped.Total;
                    break;
                case Event.ValueOneofCase.MetricDeclared:
                    goals[evt.Name] = (MetricGoal)evt.MetricDeclared.Goal;
                    break;
                case Event.ValueOneofCase.Scalar when goals.TryGetValue(evt.Name, out var goal):
                    best.Offer(evt.Name, goal, evt.Step, evt.Scalar.Value);
                    break;
            }
        }

        var segments = WalReader.ListSegments(walDirectory);
        long truncated = 0;
        if (segments.Count > 0 && problems.LastOrDefault(p => p.SegmentPath == segments[^1]) is { IsTail: true } tail)
        {
            // Only a damaged end is cut: every complete record before it stays.
            using var stream = new FileStream(tail.SegmentPath, FileMode.Open, FileAccess.Write, FileShare.None);
            truncated = stream.Length - tail.Offset;
            stream.SetLength(tail.Offset);
            stream.Flush(flushToDisk: true);
        }

        foreach (var problem in problems)
        {
            Diagnostics.ReproLog.DamagedLog(logger, manifest.RunId, problem);
        }

        var lastSequence = last?.Sequence ?? 0;
        var lastTime = last is null ? manifest.StartedAt : DateTimeOffset.UnixEpoch.AddTicks(last.TimestampUnixNanos / 100);
        if (segments.Count > 0)
        {
            AppendCrashedEvent(segments[^1], manifest.RunId, lastSequence, lastTime);
        }

        var recovered = manifest with
        {
            Status = RunStatus.Crashed,
            EndedAt = lastTime,
            LastSequence = lastSequence + (segments.Count > 0 ? 1ul : 0ul),
            DroppedEvents = Math.Max(manifest.DroppedEvents, dropped),
            Best = new SortedDictionary<string, BestValue>(best.Best.ToDictionary(), StringComparer.Ordinal),
            Recovery = new RunRecoveryReport(DateTimeOffset.UtcNow, truncated, problems.Select(p => p.ToString()).ToArray()),
        };
        RunManifestJson.Write(ReproHome.ManifestPath(runDirectory), recovered);
        Diagnostics.ReproLog.RunRecovered(logger, manifest.RunId, lastSequence, lastTime, truncated);
        return recovered;
    }

    private static void AppendCrashedEvent(string segment, string runId, ulong lastSequence, DateTimeOffset lastTime)
    {
        var record = new Record
        {
            Event = new Event
            {
                EventId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray()),
                RunId = ByteString.CopyFrom(Ulid.Parse(runId, System.Globalization.CultureInfo.InvariantCulture).ToByteArray()),
                Sequence = lastSequence + 1,
                TimestampUnixNanos = (lastTime.UtcTicks - DateTime.UnixEpoch.Ticks) * 100,
                Name = "crashed",
                Lifecycle = new Lifecycle
                {
                    Kind = Lifecycle.Types.Kind.Crashed,
                    LastSequence = lastSequence,
                    Message = "The writing process ended without finishing the run; found when the run was next opened.",
                },
            },
        };
        using var writer = new WalWriter(segment);
        writer.Append(record.ToByteArray());
    }
}
