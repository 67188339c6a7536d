using Repro.Pipeline;
using Repro.Runs;

namespace Repro.Runtime.Tests.Runs;

public class LatestMetricValuesTests
{
    [Fact]
    public void Keeps_the_last_value_and_step_of_every_metric_past_the_initial_size_and_skips_metrics_never_logged()
    {
        var registry = new MetricRegistry();
        for (var i = 0; i < 100; i++)
        {
            registry.Register(new MetricDeclaration($"m{i:D3}"));
        }

        var latest = new LatestMetricValues();
        for (var id = 99; id >= 0; id -= 3) // the first id logged is past the initial 16 slots
        {
            latest.Record(id, step: 10, value: -1);
            latest.Record(id, step: 1000 + id, value: id / 4.0);
        }

        var snapshot = latest.Snapshot(registry);

        var logged = Enumerable.Range(0, 100).Where(id => (99 - id) % 3 == 0).ToList();
        Assert.Equal(logged.Select(id => $"m{id:D3}"), snapshot.Values.Keys);
        Assert.All(logged, id => Assert.Equal(id / 4.0, snapshot.Values[$"m{id:D3}"]));
        Assert.All(logged, id => Assert.Equal(1000 + id, snapshot.Steps[$"m{id:D3}"]));
        Assert.Equal(1099, latest.LatestStep());
    }

    [Fact]
    public void Integer_metrics_come_back_as_the_integer_they_were_logged_as()
    {
        var registry = new MetricRegistry();
        registry.Register(new MetricDeclaration("tokens", valueType: MetricValueType.Int64));

        var latest = new LatestMetricValues();
        latest.Record(0, 7, BitConverter.Int64BitsToDouble(123_456_789));

        Assert.Equal(123_456_789d, latest.Snapshot(registry).Values["tokens"]);
    }

    [Fact]
    public void The_latest_step_is_zero_before_any_value_and_a_negative_id_is_refused()
    {
        var latest = new LatestMetricValues();

        Assert.Equal(0, latest.LatestStep());
        Assert.Throws<ArgumentOutOfRangeException>(() => latest.Record(-1, 1, 1));
        Assert.Equal(0, latest.LatestStep());
    }
}
