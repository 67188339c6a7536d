using Repro.Events;
using Repro.Storage;
using SketchDigest = Repro.Aggregation.TDigest;

namespace Repro.Drift;

/// <summary>What a feature's distances in one window mean.</summary>
public enum DriftVerdict
{
    /// <summary>Below both thresholds' warning levels.</summary>
    Stable,

    /// <summary>The PSI is at least <see cref="DriftThresholds.ModeratePsi"/>: worth a look.</summary>
    Moderate,

    /// <summary>The PSI or the KS distance is at or above its drift threshold.</summary>
    Drifted,

    /// <summary>The window holds fewer values than <see cref="DriftThresholds.MinValues"/>: no verdict.</summary>
    TooFewValues,
}

/// <summary>Where a distance becomes a verdict.</summary>
public sealed record DriftThresholds
{
    /// <summary>PSI at which a feature has drifted (0.25 by default, the usual "significant shift").</summary>
    public double DriftedPsi { get; init; } = 0.25;

    /// <summary>PSI at which a shift is moderate (0.1 by default).</summary>
    public double ModeratePsi { get; init; } = 0.1;

    /// <summary>KS distance at which a feature has drifted (0.1 by default).</summary>
    public double DriftedKs { get; init; } = 0.1;

    /// <summary>The fewest values a serving window needs for a verdict (100 by default).</summary>
    public long MinValues { get; init; } = 100;

    /// <summary>PSI bins: the training distribution's quantiles cut it into this many (10 by default).</summary>
    public int Bins { get; init; } = 10;

    /// <exception cref="ArgumentException">A threshold is out of range.</exception>
    internal void Validate()
    {
        if (!(DriftedPsi > 0) || !(ModeratePsi > 0) || ModeratePsi > DriftedPsi || !(DriftedKs is > 0 and <= 1) || MinValues < 1 || Bins is < 2 or > 1000)
        {
            throw new ArgumentException($"Drift thresholds out of range: PSI {ModeratePsi} ≤ {DriftedPsi} (both above 0), KS {DriftedKs} in (0, 1], at least 1 value, 2 to 1,000 bins.");
        }
    }
}

/// <summary>One feature in one serving window against the training baseline.</summary>
/// <param name="Feature">The metric (<c>features/…</c> or <c>outputs/…</c>).</param>
/// <param name="FirstStep">The window's first step (a day number for serving runs that log by day).</param>
/// <param name="LastStep">Its last step.</param>
/// <param name="TrainingValues">Values in the training sketches.</param>
/// <param name="ServingValues">Values in the window.</param>
/// <param name="Psi">Population stability index.</param>
/// <param name="Ks">Kolmogorov–Smirnov distance.</param>
/// <param name="Verdict">What they mean under the thresholds.</param>
public sealed record FeatureDrift(string Feature, long FirstStep, long LastStep, long TrainingValues, long ServingValues, double Psi, double Ks, DriftVerdict Verdict);

/// <summary>The comparison of a serving run's feature sketches with a training run's.</summary>
/// <param name="TrainingRunId">The baseline.</param>
/// <param name="ServingRunId">The run compared with it.</param>
/// <param name="WindowSteps">Steps per window.</param>
/// <param name="Thresholds">The thresholds applied.</param>
/// <param name="Features">Each feature in each window, by feature then window.</param>
/// <param name="NotCompared">Features only one of the runs recorded, with which.</param>
public sealed record DriftReport(string TrainingRunId, string ServingRunId, long WindowSteps, DriftThresholds Thresholds, IReadOnlyList<FeatureDrift> Features, IReadOnlyList<string> NotCompared)
{
    /// <summary>Whether any feature drifted in any window.</summary>
    public bool Drifted => Features.Any(f => f.Verdict == DriftVerdict.Drifted);
}

/// <summary>
/// <c>repro drift</c>: compares the feature sketches (<see cref="FeatureSet"/>) of a serving run, window by window,
/// with those of the training run. The training sketches are merged into one baseline per feature; the serving
/// sketches into one per window of <c>windowSteps</c> steps. A sketch a flush wrote for an interval that never closed
/// (a run killed after it flushed) counts, unless the closed interval followed.
/// </summary>
public static class DriftAnalysis
{
    /// <summary>Compares the runs.</summary>
    /// <exception cref="RunNotFoundException">A run is not there.</exception>
    /// <exception cref="ArgumentException">The window is below 1 step or a threshold is out of range.</exception>
    public static DriftReport Compare(IRunReader reader, string trainingRunId, string servingRunId, long windowSteps = 1, DriftThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSteps, 1);
        thresholds ??= new DriftThresholds();
        thresholds.Validate();
        var training = Sketches(reader, trainingRunId);
        var serving = Sketches(reader, servingRunId);
        var results = new List<FeatureDrift>();
        foreach (var feature in training.Keys.Intersect(serving.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var baseline = Merge(training[feature].Values);
            foreach (var window in serving[feature].Values.GroupBy(s => FloorDiv(s.FirstStep, windowSteps)).OrderBy(g => g.Key))
            {
                var actual = Merge(window);
                var count = (long)actual.TotalWeight;
                var first = window.Key * windowSteps;
                if (count < thresholds.MinValues || baseline.TotalWeight <= 0)
                {
                    results.Add(new FeatureDrift(feature, first, first + windowSteps - 1, (long)baseline.TotalWeight, count, double.NaN, double.NaN, DriftVerdict.TooFewValues));
                    continue;
                }

                var psi = DriftMeasures.PopulationStabilityIndex(baseline, actual, thresholds.Bins);
                var ks = DriftMeasures.KolmogorovSmirnov(baseline, actual);
                var verdict = psi >= thresholds.DriftedPsi || ks >= thresholds.DriftedKs ? DriftVerdict.Drifted
                    : psi >= thresholds.ModeratePsi ? DriftVerdict.Moderate
                    : DriftVerdict.Stable;
                results.Add(new FeatureDrift(feature, first, first + windowSteps - 1, (long)baseline.TotalWeight, count, psi, ks, verdict));
            }
        }

        var notCompared = training.Keys.Except(serving.Keys, StringComparer.Ordinal).Select(f => $"{f} (only in the training run)")
            .Concat(serving.Keys.Except(training.Keys, StringComparer.Ordinal).Select(f => $"{f} (only in the serving run)"))
            .Order(StringComparer.Ordinal).ToList();
        return new DriftReport(trainingRunId, servingRunId, windowSteps, thresholds, results, notCompared);
    }

    /// <summary>The run's feature sketches: per metric, per interval (its first step), the closed one, else the newest flushed one.</summary>
    private static Dictionary<string, SortedDictionary<long, Events.TDigest>> Sketches(IRunReader reader, string runId)
    {
        var sketches = new Dictionary<string, SortedDictionary<long, Events.TDigest>>(StringComparer.Ordinal);
        var closed = new HashSet<(string, long)>();
        foreach (var evt in reader.ReadEvents(runId))
        {
            if (evt.ValueCase != Event.ValueOneofCase.Sketch
                || !(evt.Name.StartsWith(FeatureSet.PrefixOf(FeatureKind.Input), StringComparison.Ordinal) || evt.Name.StartsWith(FeatureSet.PrefixOf(FeatureKind.Output), StringComparison.Ordinal)))
            {
                continue;
            }

            var key = (evt.Name, evt.Sketch.FirstStep);
            if (closed.Contains(key))
            {
                continue; // a closed interval is final
            }

            if (!evt.IntervalOpen)
            {
                closed.Add(key);
            }

            if (!sketches.TryGetValue(evt.Name, out var intervals))
            {
                sketches[evt.Name] = intervals = [];
            }

            intervals[evt.Sketch.FirstStep] = evt.Sketch;
        }

        return sketches;
    }

    private static SketchDigest Merge(IEnumerable<Events.TDigest> sketches)
    {
        SketchDigest? merged = null;
        foreach (var sketch in sketches)
        {
            merged ??= Aggregation.SketchEvents.EmptyLike(sketch);
            Aggregation.SketchEvents.AddTo(sketch, merged);
        }

        return merged ?? new SketchDigest();
    }

    private static long FloorDiv(long value, long divisor) => (value / divisor) - ((value % divisor) < 0 ? 1 : 0);
}
