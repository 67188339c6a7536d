using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Aggregation;

[Collection(SequentialRuns.Name)]
public class AggregatedMetricTests
{
    [Fact]
    public void Statistics_per_interval_match_the_values_and_close_before_the_run_ends()
    {
        var metric = new MetricDeclaration("grad_norm", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 10 });
        var events = Record(metric, Enumerable.Range(0, 95).Select(s => (s, (double)s)));

        var aggregates = events.Where(e => e.ValueCase == Event.ValueOneofCase.Aggregate).Select(e => e.Aggregate).ToList();
        Assert.Equal(10, aggregates.Count);
        for (var k = 0; k < 10; k++)
        {
            var steps = Enumerable.Range(k * 10, k == 9 ? 5 : 10).ToArray();
            Assert.Equal((ulong)steps.Length, aggregates[k].Count);
            Assert.Equal((steps[0], steps[^1]), (aggregates[k].FirstStep, aggregates[k].LastStep));
            Assert.Equal(steps.Average(), aggregates[k].Mean, 12);
            Assert.Equal(Math.Sqrt(steps.Select(s => Math.Pow(s - steps.Average(), 2)).Average()), aggregates[k].StdDev, 12);
        }

        Assert.Equal(95, events.Count(e => e.ValueCase == Event.ValueOneofCase.Scalar));
        Assert.Equal(Event.ValueOneofCase.Aggregate, events[^2].ValueCase); // the last interval, just before "finished"
        Assert.Equal(Lifecycle.Types.Kind.Finished, events[^1].Lifecycle.Kind);
    }

    [Fact]
    public void Last_records_only_each_intervals_last_value()
    {
        var metric = new MetricDeclaration("throughput", options: new MetricOptions { Aggregation = MetricAggregation.Last, IntervalSteps = 10 });

        var scalars = Record(metric, Enumerable.Range(0, 25).Select(s => (s, s * 2.0))).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar);

        Assert.Equal([(9L, 18.0), (19L, 38.0), (24L, 48.0)], scalars.Select(e => (e.Step, e.Scalar.Value)));
    }

    [Theory]
    [InlineData(MetricAggregation.Mean)]
    [InlineData(MetricAggregation.Min)]
    [InlineData(MetricAggregation.Max)]
    public void Mean_min_and_max_are_recorded_as_the_intervals_statistics(MetricAggregation aggregation)
    {
        var metric = new MetricDeclaration("loss", options: new MetricOptions { Aggregation = aggregation, IntervalSteps = 10 });

        var aggregate = Assert.Single(Record(metric, Enumerable.Range(0, 10).Select(s => (s, (double)s))), e => e.ValueCase == Event.ValueOneofCase.Aggregate).Aggregate;

        Assert.Equal((4.5, 0.0, 9.0), (aggregate.Mean, aggregate.Min, aggregate.Max));
    }

    [Fact]
    public void Sampling_keeps_only_every_nth_step()
    {
        var metric = new MetricDeclaration("lr", options: new MetricOptions { EveryNSteps = 25 });

        var steps = Record(metric, Enumerable.Range(0, 101).Select(s => (s, 0.1))).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step);

        Assert.Equal([0L, 25, 50, 75, 100], steps);
    }

    [Fact]
    public void Histograms_and_sketches_can_replace_the_values()
    {
        var histogram = new MetricDeclaration("weights", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = [0.0, 0.5], RecordValues = false, IntervalSteps = 1000 });
        var sketch = new MetricDeclaration("latency", unit: "s", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, RecordValues = false, IntervalSteps = 1000 });
        var values = Enumerable.Range(0, 1000).Select(s => (s, s / 1000.0)).ToList();

        var events = Record([(histogram, values), (sketch, values)]);

        Assert.DoesNotContain(events, e => e.ValueCase == Event.ValueOneofCase.Scalar);
        var h = Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Histogram).Histogram;
        Assert.Equal([0ul, 500, 500], h.Counts);
        var t = Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Sketch).Sketch;
        Assert.Equal(1000, t.Weights.Sum());
        Assert.Equal((0.0, 0.999), (t.Min, t.Max));
    }

    [Fact]
    public void Bad_options_are_refused_at_declaration()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricDeclaration("m", options: new MetricOptions { EveryNSteps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricDeclaration("m", options: new MetricOptions { IntervalSteps = 0 }));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", options: new MetricOptions { Aggregation = MetricAggregation.Histogram }));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = [1.0, 0.0] }));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", options: new MetricOptions { RecordValues = false }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricDeclaration("m", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, SketchCompression = 1 }));
    }

    private static List<Event> Record(MetricDeclaration metric, IEnumerable<(int Step, double Value)> values) => Record([(metric, values.ToList())]);

    private static List<Event> Record(IEnumerable<(MetricDeclaration Metric, List<(int Step, double Value)> Values)> series)
    {
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            foreach (var (metric, values) in series)
            {
                foreach (var (step, value) in values)
                {
                    run.LogScalar(metric, step, value);
                }
            }
        }

        return new RunStore(home.Path).ReadEvents(runId).ToList();
    }
}
