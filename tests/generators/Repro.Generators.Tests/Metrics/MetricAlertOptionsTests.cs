using Repro.Events;
using Repro.Generators.Metrics;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Generators.Tests.Metrics;

/// <summary>The [Metric] attribute's Alert… settings: emitted as the declaration's rules, and in force in a real run.</summary>
[Collection(SequentialRuns.Name)]
public class MetricAlertOptionsTests
{
    [Fact]
    public void Alert_settings_become_the_declarations_rules()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), """
            partial class M
            {
                [Repro.Metric(AlertNotFinite = true, AlertAbove = 1e20, AlertBelow = -0.5, AlertSpikeSigmas = 6, AlertSpikeWindow = 200, AlertStallSeconds = 90)]
                partial void LogLoss(long step, double value);
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Contains(
            "options: new global::Repro.MetricOptions { Alerts = new global::Repro.Alerts.MetricAlerts { NotFinite = true, Above = 1E+20d, Below = -0.5d, SpikeSigmas = 6d, SpikeWindow = 200, StallAfter = global::System.TimeSpan.FromSeconds(90d) } }",
            result.Results[0].GeneratedSources[0].SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_alert_settings_emit_nothing()
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), "partial class M { [Repro.Metric(AlertAbove = double.NaN)] partial void LogLoss(long step, double value); }");

        Assert.Contains("""new global::Repro.MetricDeclaration("loss");""", result.Results[0].GeneratedSources[0].SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_generated_metric_with_alert_settings_alerts_in_a_run_that_names_no_rules()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new MetricGenerator(), """
            namespace Scratch;
            public sealed partial class Metrics
            {
                [Repro.Metric(AlertNotFinite = true, AlertAbove = 10)]
                public partial void LogLoss(long step, double train, double validation);
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
            type.GetMethod("LogLoss")!.Invoke(metrics, [0L, 1.0, 2.0]);
            type.GetMethod("LogLoss")!.Invoke(metrics, [1L, double.NaN, 11.0]);
        }

        var store = new RunStore(home.Path);
        var alerts = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Alert).Select(e => (e.Alert.Metric, e.Alert.Kind, e.Step));
        Assert.Equal([("loss/train", "not_finite", 1L), ("loss/validation", "above", 1L)], alerts);
        Assert.Equal(["loss/train not finite", "loss/validation above 10"], store.GetRun(runId).Alerts.Select(a => a.Rule));
    }
}
