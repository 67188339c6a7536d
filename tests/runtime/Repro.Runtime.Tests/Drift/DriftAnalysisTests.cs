using Repro.Drift;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Drift;

/// <summary>
/// Drift between real runs: a training run records its feature baseline, a serving run the same features day by day
/// with one feature shifted on the third day; only that feature on that day is flagged.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class DriftAnalysisTests
{
    private const int Seed = 20261207;
    private static readonly FeatureSet s_inputs = new(["age", "income", "clicks"]);
    private static readonly FeatureSet s_outputs = new(["confidence"], FeatureKind.Output);
    private static readonly long s_firstDay = FeatureSet.DayOf(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Only_the_shifted_feature_on_the_day_it_shifted_is_flagged_and_no_raw_value_is_written()
    {
        using var home = new TemporaryDirectory("repro-drift");
        var random = new Random(Seed);
        var training = Record(home.Path, examples => Enumerable.Range(0, 10_000).Select(_ => (0L, Example(random, incomeShift: 0))).ToList());
        var serving = Record(home.Path, _ => [.. Enumerable.Range(0, 3).SelectMany(day => Enumerable.Range(0, 2_000).Select(_ => (s_firstDay + day, Example(random, incomeShift: day == 2 ? 0.8 : 0))))]);
        var store = new RunStore(home.Path);

        var report = DriftAnalysis.Compare(store, training, serving);

        Assert.Equal(["features/age", "features/clicks", "features/income", "outputs/confidence"], report.Features.Select(f => f.Feature).Distinct());
        Assert.All(report.Features, f => Assert.Equal(2_000, f.ServingValues));
        Assert.All(report.Features, f => Assert.Equal(10_000, f.TrainingValues));
        var drifted = Assert.Single(report.Features, f => f.Verdict == DriftVerdict.Drifted);
        Assert.Equal(("features/income", s_firstDay + 2), (drifted.Feature, drifted.FirstStep));
        Assert.True(drifted.Psi > 0.25 && drifted.Ks > 0.1, $"PSI {drifted.Psi}, KS {drifted.Ks}");
        Assert.All(report.Features.Where(f => f != drifted), f => Assert.Equal(DriftVerdict.Stable, f.Verdict));
        Assert.True(report.Drifted);
        Assert.DoesNotContain(store.ReadEvents(serving), e => e.ValueCase == Event.ValueOneofCase.Scalar);

        // Windows of three days are aligned to multiples of three days since 1970: the three days fall in two of them.
        var threeDays = DriftAnalysis.Compare(store, training, serving, windowSteps: 3);
        Assert.All(threeDays.Features.GroupBy(f => f.Feature), g => Assert.Equal(6_000, g.Sum(f => f.ServingValues)));
        Assert.All(threeDays.Features, f => Assert.Equal((0L, 2L), (f.FirstStep % 3, f.LastStep % 3)));
    }

    [Fact]
    public void A_feature_only_one_run_recorded_is_named_and_a_thin_window_gets_no_verdict()
    {
        using var home = new TemporaryDirectory("repro-drift");
        var random = new Random(Seed + 1);
        var extra = new FeatureSet(["only_in_training"]);
        string training;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            training = run.Id.ToString();
            for (var i = 0; i < 1_000; i++)
            {
                run.LogFeatures(s_inputs, 0, Example(random, 0).AsSpan(0, 3));
                run.LogFeatures(extra, 0, [random.NextDouble()]);
            }
        }

        var serving = Record(home.Path, _ => [.. Enumerable.Range(0, 50).Select(_ => (s_firstDay, Example(random, 0)))]);

        var report = DriftAnalysis.Compare(new RunStore(home.Path), training, serving);

        Assert.Equal(["features/only_in_training (only in the training run)", "outputs/confidence (only in the serving run)"], report.NotCompared);
        Assert.All(report.Features, f => Assert.Equal(DriftVerdict.TooFewValues, f.Verdict));
        Assert.False(report.Drifted);
    }

    [Fact]
    public void A_live_serving_run_is_compared_on_what_it_flushed()
    {
        using var home = new TemporaryDirectory("repro-drift");
        var random = new Random(Seed + 2);
        var training = Record(home.Path, _ => [.. Enumerable.Range(0, 5_000).Select(_ => (0L, Example(random, 0)))]);
        using var serving = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });
        for (var i = 0; i < 1_000; i++)
        {
            var example = Example(random, incomeShift: 1.0);
            serving.LogFeatures(s_inputs, s_firstDay, example.AsSpan(0, 3));
            serving.LogFeatures(s_outputs, s_firstDay, example.AsSpan(3));
        }

        Assert.True(serving.Flush()); // the open day's sketches are in the log now

        var report = DriftAnalysis.Compare(new RunStore(home.Path), training, serving.Id.ToString());

        Assert.Equal("features/income", Assert.Single(report.Features, f => f.Verdict == DriftVerdict.Drifted).Feature);
        Assert.All(report.Features, f => Assert.Equal(1_000, f.ServingValues));
    }

    [Fact]
    public void A_feature_set_refuses_bad_names_and_values_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => new FeatureSet([]));
        Assert.Throws<ArgumentException>(() => new FeatureSet(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new FeatureSet(["has space"]));
        using var home = new TemporaryDirectory("repro-drift");
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });
        Assert.Throws<ArgumentException>(() => run.LogFeatures(s_inputs, 0, [1.0, 2.0]));
        Assert.Equal((long)(new DateTime(2025, 12, 31) - new DateTime(1970, 1, 1)).TotalDays, FeatureSet.DayOf(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(-1L, FeatureSet.DayOf(new DateTimeOffset(1969, 12, 31, 12, 0, 0, TimeSpan.Zero)));
    }

    private static string Record(string home, Func<int, List<(long Step, double[] Example)>> examples)
    {
        using var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero });
        foreach (var (step, example) in examples(0))
        {
            run.LogFeatures(s_inputs, step, example.AsSpan(0, 3));
            run.LogFeatures(s_outputs, step, example.AsSpan(3));
        }

        return run.Id.ToString();
    }

    /// <summary>age, income (shifted by <paramref name="incomeShift"/> standard deviations), clicks, and a confidence.</summary>
    private static double[] Example(Random random, double incomeShift)
    {
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return [40 + (12 * Normal()), Math.Exp(10.5 + (0.5 * (Normal() + incomeShift))), random.Next(0, 20), 1 / (1 + Math.Exp(-2 * Normal()))];
    }
}
