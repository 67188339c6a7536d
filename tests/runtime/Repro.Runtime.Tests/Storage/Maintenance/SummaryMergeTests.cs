using System.Text.Json;
using Repro.Events;
using Repro.Storage;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>
/// Downsampling merges a run's interval histograms and sketches into coarser intervals: histogram counts exactly,
/// sketches into t-digests that keep min, max and quantiles; the log stays gapless and every merged summary says so.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class SummaryMergeTests
{
    private const int Steps = 1_000;
    private const int Seed = 20261206;
    private static readonly double[] s_bounds = [0.25, 0.5, 0.75];
    private static readonly MetricDeclaration s_histogram = new("merge_activation", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = s_bounds, IntervalSteps = 10, RecordValues = false });
    private static readonly MetricDeclaration s_sketch = new("merge_latency", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, IntervalSteps = 10, RecordValues = false });
    private static readonly MetricDeclaration s_loss = new("merge_loss");
    private static readonly DateTimeOffset s_at = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Histograms_merge_exactly_and_sketches_keep_min_max_and_quantiles_in_intervals_ten_times_coarser()
    {
        using var home = new TemporaryDirectory("repro-merge");
        var (runId, activations, latencies) = Record(home.Path);
        var store = new RunStore(home.Path);
        var before = store.ReadEvents(runId).ToList();
        var folder = ReproHome.RunDirectory(home.Path, runId);

        var result = RunDownsampler.Downsample(folder, 100, s_at, summaryFactor: 10);

        var problems = new List<WalCorruption>();
        var after = store.ReadEvents(runId, problems.Add).ToList();
        Assert.Empty(problems);
        Assert.NotNull(result);
        var histogramsBefore = before.Where(e => e.ValueCase == Event.ValueOneofCase.Histogram && !e.IntervalOpen).ToList();
        var histograms = after.Where(e => e.ValueCase == Event.ValueOneofCase.Histogram).Select(e => e.Histogram).ToList();
        Assert.Equal(Steps / 10, histogramsBefore.Count);
        Assert.Equal(Steps / 100, histograms.Count);
        Assert.All(histograms, h => Assert.Equal(10u, h.Merged));
        Assert.Equal(histogramsBefore.Count * 2, result.SummariesMerged);
        Assert.Equal(histograms.Count * 2, result.MergedSummaries);

        // Each merged histogram holds exactly the values of its steps, counted against the same bounds.
        foreach (var merged in histograms)
        {
            var values = activations.Where(p => p.Step >= merged.FirstStep && p.Step <= merged.LastStep).Select(p => p.Value).ToList();
            Assert.Equal(100, values.Count);
            Assert.Equal(s_bounds, merged.Bounds);
            Assert.Equal(ExactCounts(values), merged.Counts);
        }

        Assert.Equal((0L, Steps - 1L), (histograms[0].FirstStep, histograms[^1].LastStep));

        // Each merged sketch keeps its interval's min and max exactly and its median within two ranks in a hundred.
        var sketches = after.Where(e => e.ValueCase == Event.ValueOneofCase.Sketch).Select(e => e.Sketch).ToList();
        Assert.Equal(Steps / 100, sketches.Count);
        foreach (var merged in sketches)
        {
            var values = latencies.Where(p => p.Step >= merged.FirstStep && p.Step <= merged.LastStep).Select(p => p.Value).Order().ToList();
            Assert.Equal(values.Count, merged.Weights.Sum());
            Assert.Equal((values[0], values[^1]), (merged.Min, merged.Max));
            var median = Repro.Aggregation.TDigest.FromCentroids(merged.Compression, merged.Means, merged.Weights, merged.Min, merged.Max).Quantile(0.5);
            Assert.InRange(median, values[48], values[51]);
            Assert.Equal(10u, merged.Merged);
        }

        // The raw scalars became buckets as before; the log is gapless, ids unique, and every other event unchanged.
        Assert.Equal(Steps, result.RawScalars);
        Assert.Equal(store.GetRun(runId).LastSequence, store.LastSequenceInLog(runId));
        Assert.All(RunLogAudit.Audit(store, runId), check => Assert.NotEqual(CheckOutcome.Failed, check.Outcome));
        Assert.Equal(after.Count, after.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(after.Select(e => e.Sequence), after.Select(e => e.Sequence).Order());
        bool Kept(Event e) => e.ValueCase is not (Event.ValueOneofCase.Scalar or Event.ValueOneofCase.Aggregate or Event.ValueOneofCase.Histogram or Event.ValueOneofCase.Sketch);
        Assert.Equal(before.Where(Kept).Select(e => e.ToString()), after.Where(Kept).Select(e => e.ToString()));
        Assert.Equal((10, 200L, 20L), (RunDownsampler.Read(folder)!.SummaryFactor, RunDownsampler.Read(folder)!.SummariesMerged, RunDownsampler.Read(folder)!.MergedSummaries));

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            EventJsonWriter.Write(writer, after.First(e => e.ValueCase == Event.ValueOneofCase.Histogram));
        }

        var json = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("\"merged\":10", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_factor_of_one_leaves_every_summary_as_logged_and_the_same_log_merged_twice_gives_the_same_bytes()
    {
        using var home = new TemporaryDirectory("repro-merge");
        var (runId, _, _) = Record(home.Path);
        var store = new RunStore(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        var summaries = store.ReadEvents(runId).Where(e => e.ValueCase is Event.ValueOneofCase.Histogram or Event.ValueOneofCase.Sketch).Select(e => e.ToString()).ToList();
        using var copy = new TemporaryDirectory("repro-merge-copy");
        using var twin = new TemporaryDirectory("repro-merge-twin");
        FolderCopy.Copy(folder, copy.Path);
        FolderCopy.Copy(folder, twin.Path);

        RunDownsampler.Downsample(folder, 100, s_at);
        RunDownsampler.Downsample(copy.Path, 100, s_at, summaryFactor: 7);
        RunDownsampler.Downsample(twin.Path, 100, s_at, summaryFactor: 7);

        Assert.Equal(summaries, store.ReadEvents(runId).Where(e => e.ValueCase is Event.ValueOneofCase.Histogram or Event.ValueOneofCase.Sketch).Select(e => e.ToString()));
        Assert.Equal(0, RunDownsampler.Read(folder)!.SummariesMerged);
        Assert.Equal(MaintenanceHomes.Fingerprint(ReproHome.WalDirectory(copy.Path)), MaintenanceHomes.Fingerprint(ReproHome.WalDirectory(twin.Path)));
    }

    [Fact]
    public void A_run_whose_only_metrics_are_summaries_is_merged_too()
    {
        using var home = new TemporaryDirectory("repro-merge");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 200; step++)
            {
                run.LogScalar(s_histogram, step, step % 4 * 0.25);
            }
        }

        var folder = ReproHome.RunDirectory(home.Path, runId);
        Assert.Null(RunDownsampler.Downsample(folder, 100, s_at)); // nothing raw, nothing to merge at a factor of 1
        var result = RunDownsampler.Downsample(folder, 100, s_at, summaryFactor: 5);

        Assert.NotNull(result);
        Assert.Equal((20L, 4L), (result.SummariesMerged, result.MergedSummaries));
        var merged = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Histogram).ToList();
        Assert.Equal([50UL, 50UL, 50UL, 50UL], merged.Select(e => e.Histogram.Counts.Aggregate(0UL, (a, c) => a + c)));
    }

    private static (string RunId, List<(long Step, double Value)> Activations, List<(long Step, double Value)> Latencies) Record(string home)
    {
        var random = new Random(Seed);
        var activations = new List<(long, double)>();
        var latencies = new List<(long, double)>();
        using var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero });
        for (long step = 0; step < Steps; step++)
        {
            var activation = random.NextDouble();
            var latency = Math.Exp(random.NextDouble() * 3); // skewed, as latencies are
            activations.Add((step, activation));
            latencies.Add((step, latency));
            run.LogScalar(s_histogram, step, activation);
            run.LogScalar(s_sketch, step, latency);
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        return (run.Id.ToString(), activations, latencies);
    }

    private static ulong[] ExactCounts(List<double> values)
    {
        var counts = new ulong[s_bounds.Length + 1];
        foreach (var value in values)
        {
            var bucket = 0;
            while (bucket < s_bounds.Length && value >= s_bounds[bucket])
            {
                bucket++;
            }

            counts[bucket]++;
        }

        return counts;
    }
}
