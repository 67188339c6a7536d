using System.Text.Json;
using Repro.Events;
using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

[Collection(SequentialRuns.Name)]
public class IntegerMetricTests
{
    private static readonly long[] s_values = [0, -1, long.MaxValue, long.MinValue, (1L << 60) + 1, 9_007_199_254_740_993];

    [Fact]
    public void Integer_metrics_are_exact_through_the_log_JSON_and_the_index()
    {
        using var home = new TemporaryDirectory();
        var tokens = new MetricDeclaration("tokens", valueType: MetricValueType.Int64);
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < s_values.Length; step++)
            {
                run.LogInteger(tokens, step, s_values[step]);
            }
        }

        var store = new RunStore(home.Path);
        var scalars = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        Assert.Equal(s_values, scalars.Select(e => e.Scalar.IntValue));

        var jsonl = Path.Combine(home.Path, "out.jsonl");
        using (var sink = new JsonLinesSink(jsonl))
        {
            SinkReplay.Replay(store, runId, sink);
        }

        var jsonValues = File.ReadLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "scalar").Select(e => e.GetProperty("value").GetInt64());
        Assert.Equal(s_values, jsonValues);

        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        SinkReplay.Replay(store, runId, index);
        Assert.Equal(s_values.Select(v => (long?)v), index.ReadScalars(runId, "tokens").Select(s => s.IntValue));
    }

    [Fact]
    public void Statistics_and_goals_of_integer_metrics_use_their_numeric_values()
    {
        using var home = new TemporaryDirectory();
        var count = new MetricDeclaration("count", valueType: MetricValueType.Int32,
            options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 10, Goal = MetricGoal.Maximize });
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 10; step++)
            {
                run.LogInteger(count, step, step * 10L);
            }
        }

        var store = new RunStore(home.Path);
        var aggregate = Assert.Single(store.ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Aggregate).Aggregate;
        Assert.Equal((0.0, 90.0, 45.0), (aggregate.Min, aggregate.Max, aggregate.Mean));
        Assert.Equal(90.0, store.GetRun(runId).Best["count"].Value);
    }

    [Fact]
    public void Last_keeps_a_large_integer_exact()
    {
        using var home = new TemporaryDirectory();
        var total = new MetricDeclaration("total", valueType: MetricValueType.Int64, options: new MetricOptions { Aggregation = MetricAggregation.Last, IntervalSteps = 2 });
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.LogInteger(total, 0, 1);
            run.LogInteger(total, 1, (1L << 60) + 1);
        }

        var last = Assert.Single(new RunStore(home.Path).ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Scalar);
        Assert.Equal((1L, (1L << 60) + 1), (last.Step, last.Scalar.IntValue));
    }

    [Fact]
    public void Logging_with_the_wrong_overload_is_refused()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });

        Assert.Throws<InvalidOperationException>(() => run.LogScalar(new MetricDeclaration("a", valueType: MetricValueType.Int64), 0, 1.5));
        Assert.Throws<InvalidOperationException>(() => run.LogInteger(new MetricDeclaration("b"), 0, 1L));
    }
}
