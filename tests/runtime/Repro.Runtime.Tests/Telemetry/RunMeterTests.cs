using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Telemetry;

/// <summary>A run published through System.Diagnostics.Metrics, read back with the OpenTelemetry SDK's in-memory exporter.</summary>
[Collection(SequentialRuns.Name)]
public sealed class RunMeterTests : IDisposable
{
    private readonly TemporaryDirectory _home = new("repro-otel");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void With_publishing_on_an_exporter_sees_each_metric_s_latest_value_and_step_with_the_run_s_tags()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter("Repro").AddInMemoryExporter(exported).Build();
        var loss = new MetricDeclaration("loss");
        var accuracy = new MetricDeclaration("validation/accuracy");
        using var run = Run.Start(new RunOptions { Home = _home.Path, PublishMetrics = true, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        run.LogScalar(loss, 1, 0.9);
        run.LogScalar(loss, 2, 0.4);
        run.LogScalar(accuracy, 2, 0.75);

        provider.ForceFlush();

        var values = Points(exported, "repro.metric.value");
        Assert.Equal(0.4, values["loss"].GetGaugeLastValueDouble());
        Assert.Equal(0.75, values["validation/accuracy"].GetGaugeLastValueDouble());
        Assert.Equal(2, Points(exported, "repro.metric.step")["loss"].GetGaugeLastValueLong());
        Assert.Equal(run.Id.ToString(), Tag(values["loss"], "repro.run_id"));
        Assert.Equal(0, Tag(values["loss"], "repro.rank"));
    }

    [Fact]
    public void By_default_the_run_publishes_no_instrument()
    {
        var published = new List<string>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => published.Add($"{instrument.Meter.Name}/{instrument.Name}") };
        listener.Start();
        Environment.SetEnvironmentVariable(RunOptions.PublishMetricsVariable, null);

        using (var run = Run.Start(new RunOptions { Home = _home.Path, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false }))
        {
            run.LogScalar(new MetricDeclaration("loss"), 1, 0.5);
        }

        Assert.DoesNotContain(published, name => name.StartsWith("Repro/", StringComparison.Ordinal));
    }

    private static Dictionary<string, MetricPoint> Points(List<Metric> exported, string instrument)
    {
        var points = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var metric in exported.Where(m => m.Name == instrument))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (Tag(point, "repro.metric") is string name)
                {
                    points[name] = point;
                }
            }
        }

        return points;
    }

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
