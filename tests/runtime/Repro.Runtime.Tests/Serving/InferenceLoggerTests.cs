using System.Globalization;
using Repro.Drift;
using Repro.Events;
using Repro.Security;
using Repro.Serving;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Serving;

/// <summary>
/// The serving logger on a real run, called from four threads over two days: sketches hold every request, head
/// sampling and the daily reservoir keep the documented numbers of examples with pseudonymised features, and the
/// model's identity is recorded.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class InferenceLoggerTests
{
    private static readonly FeatureSet s_features = new(["age", "income"]);
    private static readonly FeatureSet s_outputs = new(["confidence"], FeatureKind.Output);
    private static readonly string s_model = new('a', 64);
    private static readonly DateTimeOffset s_monday = new(2026, 12, 7, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sketches_hold_every_request_from_four_threads_and_the_samples_and_reservoirs_keep_their_numbers()
    {
        using var home = new TemporaryDirectory("repro-serving");
        var clock = new ManualClock(s_monday);
        var key = new Pseudonymizer("a serving key of thirty-two bytes!"u8);
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            using var logger = new InferenceLogger(run, new InferenceLoggerOptions
            {
                Features = s_features, Outputs = s_outputs, ModelSha256 = s_model, ModelRunId = "01JDQ4Z7Y3M5N8P2R6T9V0W1X2",
                SampleEvery = 100, ReservoirSize = 50, Pseudonymizer = key, Clock = clock,
            });
            Serve(logger, threads: 4, perThread: 2_500, seed: 1);
            clock.Now = s_monday.AddHours(2); // the next day
            Serve(logger, threads: 4, perThread: 2_500, seed: 2);
            Assert.Equal(20_000, logger.Requests);
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        var monday = FeatureSet.DayOf(s_monday);
        foreach (var metric in new[] { "serving/latency_s", "outputs/confidence", "features/age", "features/income" })
        {
            var sketches = events.Where(e => e.ValueCase == Event.ValueOneofCase.Sketch && e.Name == metric).ToList();
            Assert.Equal([(monday, 10_000.0), (monday + 1, 10_000.0)], sketches.Select(e => (e.Step, e.Sketch.Weights.Sum())));
        }

        var texts = events.Where(e => e.ValueCase == Event.ValueOneofCase.Text).ToList();
        var identity = texts.Single(e => e.Text.Message.StartsWith("serving model", StringComparison.Ordinal));
        Assert.Equal((s_model, "01JDQ4Z7Y3M5N8P2R6T9V0W1X2", key.KeyId), (identity.Tags["model.sha256"], identity.Tags["model.run"], identity.Tags["pseudonym.key_id"]));
        Assert.Equal(200, texts.Count(e => e.Text.Message == "sampled request"));
        var reservoir = texts.Where(e => e.Text.Message == "reservoir example").ToList();
        Assert.Equal([(monday, 50), (monday + 1, 50)], reservoir.GroupBy(e => e.Step).Select(g => (g.Key, g.Count())));
        Assert.All(texts.Where(e => e.Text.Message != identity.Text.Message), e =>
        {
            Assert.StartsWith(Pseudonymizer.Prefix + key.KeyId, e.Tags["features/age"], StringComparison.Ordinal);
            Assert.True(double.TryParse(e.Tags["outputs/confidence"], CultureInfo.InvariantCulture, out _));
        });
        // The reservoir of a day draws from the whole day, not only its first requests.
        Assert.Contains(reservoir.Where(e => e.Step == monday), e => long.Parse(e.Tags["request"], CultureInfo.InvariantCulture) > 5_000);
    }

    [Fact]
    public void Without_a_key_examples_carry_no_feature_values_and_drift_reads_what_the_logger_wrote()
    {
        using var home = new TemporaryDirectory("repro-serving");
        var random = new Random(20261209);
        string training;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            training = run.Id.ToString();
            for (var i = 0; i < 5_000; i++)
            {
                run.LogFeatures(s_features, 0, [random.NextDouble() * 80, random.NextDouble() * 1e5]);
                run.LogFeatures(s_outputs, 0, [random.NextDouble()]);
            }
        }

        string serving;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            serving = run.Id.ToString();
            using var logger = new InferenceLogger(run, new InferenceLoggerOptions { Features = s_features, Outputs = s_outputs, ModelSha256 = s_model, SampleEvery = 500, ReservoirSize = 0, Pseudonymizer = null });
            for (var i = 0; i < 2_000; i++)
            {
                logger.Record(TimeSpan.FromMilliseconds(3), [random.NextDouble()], [random.NextDouble() * 80, 5e4 + (random.NextDouble() * 1e5)]);
            }
        }

        var examples = new RunStore(home.Path).ReadEvents(serving).Where(e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message == "sampled request").ToList();
        Assert.Equal(4, examples.Count);
        Assert.All(examples, e => Assert.DoesNotContain(e.Tags.Keys, k => k.StartsWith("features/", StringComparison.Ordinal)));
        var report = DriftAnalysis.Compare(new RunStore(home.Path), training, serving);
        Assert.Equal(["features/income"], report.Features.Where(f => f.Verdict == DriftVerdict.Drifted).Select(f => f.Feature));
    }

    [Fact]
    public void A_request_that_is_not_sampled_allocates_nothing()
    {
        using var home = new TemporaryDirectory("repro-serving");
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });
        using var logger = new InferenceLogger(run, new InferenceLoggerOptions { Features = s_features, Outputs = s_outputs, ModelSha256 = s_model, SampleEvery = 0, ReservoirSize = 0, Pseudonymizer = null });
        double[] outputs = [0.7];
        double[] features = [30, 5e4];
        logger.Record(TimeSpan.FromMilliseconds(1), outputs, features); // binds the metrics to the run once

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            logger.Record(TimeSpan.FromMilliseconds(1), outputs, features);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_options_are_refused_naming_what_is_wrong()
    {
        using var home = new TemporaryDirectory("repro-serving");
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });
        Assert.Throws<ArgumentException>(() => new InferenceLogger(run, new InferenceLoggerOptions { Features = s_features, Outputs = s_outputs, ModelSha256 = "not-a-hash" }));
        Assert.Throws<ArgumentException>(() => new InferenceLogger(run, new InferenceLoggerOptions { Features = s_outputs, Outputs = s_features, ModelSha256 = s_model }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceLogger(run, new InferenceLoggerOptions { Features = s_features, Outputs = s_outputs, ModelSha256 = s_model, SampleEvery = -1 }));
        using var logger = new InferenceLogger(run, new InferenceLoggerOptions { Features = s_features, Outputs = s_outputs, ModelSha256 = s_model, Pseudonymizer = null });
        Assert.Throws<ArgumentException>(() => logger.Record(TimeSpan.Zero, [0.5], [1.0]));
    }

    private static void Serve(InferenceLogger logger, int threads, int perThread, int seed)
    {
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(seed * 100 + t);
            for (var i = 0; i < perThread; i++)
            {
                logger.Record(TimeSpan.FromMilliseconds(1 + random.NextDouble()), [random.NextDouble()], [18 + (random.NextDouble() * 60), random.NextDouble() * 1e5]);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
