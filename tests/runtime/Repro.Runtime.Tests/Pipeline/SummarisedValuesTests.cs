using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Pipeline;

/// <summary>
/// Values that are only summarised (RecordValues = false) write nothing until their interval closes; a burst of them
/// larger than one writer pass must still all reach their summaries, with the end event after them.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class SummarisedValuesTests
{
    [Theory]
    [InlineData(MetricAggregation.Sketch)]
    [InlineData(MetricAggregation.Statistics)]
    public void A_burst_of_only_summarised_values_in_one_interval_is_all_summarised_before_the_run_ends(MetricAggregation aggregation)
    {
        const int Values = 20_000;
        var metrics = Enumerable.Range(0, 3)
            .Select(i => new MetricDeclaration($"burst_{aggregation}_{i}", options: new MetricOptions { Aggregation = aggregation, RecordValues = false, IntervalSteps = 1 }))
            .ToArray();
        using var home = new TemporaryDirectory("repro-burst");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < Values; i++)
            {
                foreach (var metric in metrics)
                {
                    run.LogScalar(metric, 0, i);
                }
            }
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        var counts = events.Where(e => e.ValueCase is Event.ValueOneofCase.Sketch or Event.ValueOneofCase.Aggregate)
            .Select(e => e.ValueCase == Event.ValueOneofCase.Sketch ? (long)e.Sketch.Weights.Sum() : (long)e.Aggregate.Count);
        Assert.Equal([Values, Values, Values], counts);
        Assert.Equal(Lifecycle.Types.Kind.Finished, events[^1].Lifecycle?.Kind);
    }
}
