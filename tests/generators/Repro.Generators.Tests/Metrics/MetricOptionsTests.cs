using Repro.Events;
using Repro.Generators.Metrics;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Generators.Tests.Metrics;

[Collection(SequentialRuns.Name)]
public class MetricOptionsTests
{
    [Fact]
    public void Attribute_settings_become_the_declaration_options()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), """
            partial class M
            {
                [Repro.Metric(Unit = "nats", EveryNSteps = 10, Aggregation = Repro.MetricAggregation.Histogram, IntervalSteps = 500, RecordValues = false, HistogramBounds = new[] { 0.0, 1e-5 * 3, 0.5 })]
                partial void LogLoss(long step, double value);
            }
            """);

        Assert.Empty(diagnostics);
        var text = Assert.Single(result.Results[0].GeneratedSources).SourceText.ToString();
        Assert.Contains(
            """new global::Repro.MetricDeclaration("loss", unit: "nats", options: new global::Repro.MetricOptions { EveryNSteps = 10, Aggregation = global::Repro.MetricAggregation.Histogram, IntervalSteps = 500L, RecordValues = false, HistogramBounds = new double[] { 0d, 3.0000000000000004E-05d, 0.5d } });""",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Several_values_per_call_become_one_metric_each_with_the_fixed_tags()
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), """
            namespace Scratch;
            public sealed partial class Metrics
            {
                [Repro.Metric(Tags = new[] { "model=mlp", "phase=train" })]
                public partial void LogLoss(long step, double train, float validation);
            }
            """);
        Assert.Empty(diagnostics);
        var text = Assert.Single(result.Results[0].GeneratedSources).SourceText.ToString();
        Assert.Contains("""new global::Repro.MetricDeclaration("loss/train", tags: new global::System.Collections.Generic.Dictionary<string, string> { ["model"] = "mlp", ["phase"] = "train" });""", text, StringComparison.Ordinal);
        Assert.Contains("new global::Repro.MetricDeclaration(\"loss/validation\"", text, StringComparison.Ordinal);

        var type = GeneratorHarness.Load(output).GetType("Scratch.Metrics")!;
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            type.GetMethod("LogLoss")!.Invoke(Activator.CreateInstance(type), [7L, 0.5, 0.75f]);
        }

        var scalars = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        Assert.Equal([("loss/train", 7L, 0.5), ("loss/validation", 7L, 0.75)], scalars.Select(e => (e.Name, e.Step, e.Scalar.Value)));
        Assert.All(scalars, e => Assert.Equal("train", e.Tags["phase"]));
    }

    [Fact]
    public void A_goal_is_emitted_by_name()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), "partial class M { [Repro.Metric(Goal = Repro.MetricGoal.Maximize)] partial void LogAccuracy(long step, double value); }");

        Assert.Empty(diagnostics);
        Assert.Contains("options: new global::Repro.MetricOptions { Goal = global::Repro.MetricGoal.Maximize }", result.Results[0].GeneratedSources[0].SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Last_is_emitted_by_name()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), "partial class M { [Repro.Metric(Aggregation = Repro.MetricAggregation.Last, IntervalSteps = 50)] partial void LogThroughput(long step, double value); }");

        Assert.Empty(diagnostics);
        Assert.Contains("Aggregation = global::Repro.MetricAggregation.Last, IntervalSteps = 50L", result.Results[0].GeneratedSources[0].SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_alone_adds_no_options()
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), "partial class M { [Repro.Metric(Unit = \"s\")] partial void LogStepTime(long step, double value); }");

        Assert.Contains("""new global::Repro.MetricDeclaration("step_time", unit: "s");""", result.Results[0].GeneratedSources[0].SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sampling_and_statistics_from_the_attribute_take_effect_in_the_run()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new MetricGenerator(), """
            namespace Scratch;
            public sealed partial class Metrics
            {
                [Repro.Metric(EveryNSteps = 2, Aggregation = Repro.MetricAggregation.Statistics, IntervalSteps = 10)]
                public partial void LogGradNorm(long step, double value);
            }
            """);
        Assert.Empty(diagnostics);
        var type = GeneratorHarness.Load(output).GetType("Scratch.Metrics")!;
        var metrics = Activator.CreateInstance(type)!;
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (long step = 0; step < 20; step++)
            {
                type.GetMethod("LogGradNorm")!.Invoke(metrics, [step, (double)step]);
            }
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2L), events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step));
        Assert.Equal([4.0, 14.0], events.Where(e => e.ValueCase == Event.ValueOneofCase.Aggregate).Select(e => e.Aggregate.Mean));
    }
}
