using System.Globalization;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage;

/// <summary>The outcome of one check of <c>repro verify</c>.</summary>
public enum CheckOutcome
{
    /// <summary>The check held.</summary>
    Passed,

    /// <summary>The check failed: the record is damaged or inconsistent.</summary>
    Failed,

    /// <summary>The check could not be made (nothing to check it against); not a failure.</summary>
    Skipped,
}

/// <summary>One check of a run's record: what was checked, how it came out, and the evidence.</summary>
/// <param name="Area">log, manifest, build, artifacts or data.</param>
/// <param name="Subject">What was checked.</param>
/// <param name="Outcome">How it came out.</param>
/// <param name="Detail">The evidence, or what is wrong and where.</param>
public sealed record AuditCheck(string Area, string Subject, CheckOutcome Outcome, string Detail);

/// <summary>
/// Reads a run's whole log and checks it against itself and its manifest: every record's CRC and the sequence
/// numbers (no gap, none missing at the end), the end of the log against the manifest's status and event count,
/// the best value of every metric with a goal recomputed from the log, the configuration's hash, and the count of
/// dropped events.
/// </summary>
public static class RunLogAudit
{
    /// <summary>Audits run <paramref name="runId"/>; never throws for damage, which is what it reports.</summary>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public static IReadOnlyList<AuditCheck> Audit(RunStore store, string runId)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = store.GetRun(runId);
        var checks = new List<AuditCheck>();
        var damage = new List<WalCorruption>();
        var goals = new Dictionary<string, MetricGoal>(StringComparer.Ordinal);
        var best = new Aggregation.BestValueTracker();
        Event? last = null;
        Event? end = null;
        long events = 0;
        ulong dropped = 0;
        var configurations = new List<Events.Hyperparameters>();
        foreach (var evt in store.ReadEvents(runId, damage.Add))
        {
            events++;
            last = evt;
            end = evt.ValueCase == Event.ValueOneofCase.Lifecycle && evt.Lifecycle.Kind is Lifecycle.Types.Kind.Finished or Lifecycle.Types.Kind.Failed or Lifecycle.Types.Kind.Crashed ? evt : end;
            switch (evt.ValueCase)
            {
                case Event.ValueOneofCase.MetricDeclared:
                    goals[evt.Name] = (MetricGoal)evt.MetricDeclared.Goal;
                    break;
                case Event.ValueOneofCase.Scalar when goals.TryGetValue(evt.Name, out var goal):
                    best.Offer(evt.Name, goal, evt.Step, evt.Scalar.Value);
                    break;
                case Event.ValueOneofCase.Dropped:
                    dropped = evt.Dropped.Total;
                    break;
                case Event.ValueOneofCase.Hyperparameters:
                    configurations.Add(evt.Hyperparameters);
                    break;
            }
        }

        checks.Add(damage.Count == 0
            ? new AuditCheck("log", "records and sequence", CheckOutcome.Passed, Text($"{events} events; every record's CRC matches; sequence numbers 1 to {last?.Sequence ?? 0} without a gap"))
            : new AuditCheck("log", "records and sequence", CheckOutcome.Failed, string.Join("; ", damage.Select(d => $"{Path.GetFileName(d.SegmentPath)} at byte {d.Offset.ToString(CultureInfo.InvariantCulture)}: {d.Reason}"))));

        if (manifest.Status == RunStatus.Running)
        {
            checks.Add(new AuditCheck("manifest", "status and event count", CheckOutcome.Skipped, "the run is still running"));
        }
        else
        {
            var expectedEnd = manifest.Status switch
            {
                RunStatus.Finished => Lifecycle.Types.Kind.Finished,
                RunStatus.Failed => Lifecycle.Types.Kind.Failed,
                _ => Lifecycle.Types.Kind.Crashed,
            };
            var endsRight = end is not null && end.Lifecycle.Kind == expectedEnd;
            var countRight = last?.Sequence == manifest.LastSequence || (last is null && manifest.LastSequence == 0);
            checks.Add(new AuditCheck("manifest", "status and event count",
                endsRight && countRight ? CheckOutcome.Passed : CheckOutcome.Failed,
                Text($"the manifest says {Name(manifest.Status)} after event {manifest.LastSequence}; the log ends with ")
                + (end is null ? "no end event" : Text($"'{EventJsonWriter.LifecycleKindName(end.Lifecycle.Kind)}'")) + Text($" and its last event is {last?.Sequence ?? 0}")));
        }

        var bestProblems = new List<string>();
        foreach (var (metric, value) in manifest.Best)
        {
            if (!best.Best.TryGetValue(metric, out var recomputed))
            {
                bestProblems.Add($"{metric}: the log has no value for it");
            }
            else if (BitConverter.DoubleToInt64Bits(recomputed.Value) != BitConverter.DoubleToInt64Bits(value.Value) || recomputed.Step != value.Step)
            {
                bestProblems.Add(Text($"{metric}: manifest {value.Value:R} at step {value.Step}, log {recomputed.Value:R} at step {recomputed.Step}"));
            }
        }

        bestProblems.AddRange(best.Best.Keys.Where(metric => !manifest.Best.ContainsKey(metric) && manifest.Status != RunStatus.Running).Select(metric => $"{metric}: missing from the manifest"));
        checks.Add(manifest.Best.Count == 0 && best.Best.Count == 0
            ? new AuditCheck("manifest", "best values", CheckOutcome.Skipped, "no metric has a goal")
            : new AuditCheck("manifest", "best values", bestProblems.Count == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
                bestProblems.Count == 0 ? Text($"{manifest.Best.Count} recomputed from the log, bit for bit") : string.Join("; ", bestProblems)));

        if (configurations.Count == 0 && manifest.ConfigHash is null)
        {
            checks.Add(new AuditCheck("manifest", "configuration hash", CheckOutcome.Skipped, "no configuration was recorded"));
        }
        else
        {
            var recorded = configurations.LastOrDefault();
            var recomputed = recorded is null ? null : Hyperparameters.CanonicalJson.Sha256(recorded.CanonicalJson);
            var holds = recorded is not null && recomputed == recorded.Sha256 && recorded.Sha256 == manifest.ConfigHash;
            checks.Add(new AuditCheck("manifest", "configuration hash", holds ? CheckOutcome.Passed : CheckOutcome.Failed,
                holds ? $"SHA-256 of the recorded configuration is {manifest.ConfigHash}"
                    : $"manifest {manifest.ConfigHash ?? "(none)"}, event {recorded?.Sha256 ?? "(none)"}, recomputed {recomputed ?? "(none)"}"));
        }

        checks.Add(new AuditCheck("manifest", "dropped events", dropped == manifest.DroppedEvents || manifest.Status == RunStatus.Running ? CheckOutcome.Passed : CheckOutcome.Failed,
            Text($"manifest {manifest.DroppedEvents}, log {dropped}")));
        return checks;
    }

    private static string Name(RunStatus status) => status.ToString().ToLowerInvariant();

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
