using Repro.Alerts;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Alerts;

/// <summary>
/// Rules declared with a metric (<see cref="MetricAlerts"/>): validated at declaration, watched in a run that names no
/// rules of its own, merged with the run's rules without firing twice.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class MetricAlertsTests
{
    [Fact]
    public void A_metric_declaring_rules_alerts_in_a_run_without_rules_of_its_own_and_the_callback_hears_it()
    {
        var loss = new MetricDeclaration("declared_loss", options: new MetricOptions { Alerts = new MetricAlerts { NotFinite = true, Above = 5, SpikeSigmas = 6, SpikeWindow = 20 } });
        var quiet = new MetricDeclaration("declared_quiet");
        using var home = new TemporaryDirectory("repro-metric-alerts");
        var heard = new List<AlertFired>();
        var store = new RunStore(home.Path);
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, OnAlert = a => { lock (heard) { heard.Add(a); } } }))
        {
            runId = run.Id.ToString();
            for (long step = 0; step < 40; step++)
            {
                run.LogScalar(quiet, step, double.NaN); // no rules on this metric: nothing fires
                run.LogScalar(loss, step, 1.0 + (step % 3 * 0.01));
            }

            run.LogScalar(loss, 40, double.NaN);
            run.Flush();
            var fired = Assert.Single(AlertEvents(store, runId));
            Assert.Equal(("not_finite", "declared_loss", 40L), (fired.Alert.Kind, fired.Alert.Metric, fired.Step));

            run.LogScalar(loss, 41, 1.01);
            run.LogScalar(loss, 42, 4.0); // a spike, still below 5
            run.LogScalar(loss, 43, 1.01);
            run.LogScalar(loss, 44, 7.0); // above 5 (and a spike again)
        }

        Assert.Equal(
            [("not_finite", 40L), ("spike", 42L), ("above", 44L), ("spike", 44L)],
            AlertEvents(store, runId).Select(e => (e.Alert.Kind, e.Step)));
        Assert.Equal(4, store.GetRun(runId).AlertCount);
        Assert.Equal(4, heard.Count);
        Assert.Equal("declared_loss above 5", heard.Single(a => a.Kind == "above").Rule);
    }

    [Fact]
    public void A_rule_both_the_run_and_the_metric_name_fires_once()
    {
        var loss = new MetricDeclaration("declared_twice", options: new MetricOptions { Alerts = new MetricAlerts { NotFinite = true } });
        using var home = new TemporaryDirectory("repro-metric-alerts");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, Alerts = [AlertRule.NotFinite("declared_twice"), AlertRule.Above("declared_twice", 3)] }))
        {
            runId = run.Id.ToString();
            run.LogScalar(loss, 0, double.NaN); // NaN is above nothing: only not-finite fires
            run.LogScalar(loss, 1, 1);
            run.LogScalar(loss, 2, 4);
        }

        Assert.Equal([("not_finite", 0L), ("above", 2L)], AlertEvents(new RunStore(home.Path), runId).Select(e => (e.Alert.Kind, e.Step)));
    }

    [Theory]
    [InlineData("above", "must be finite")]
    [InlineData("sigmas", "sigmas")]
    [InlineData("window", "window")]
    [InlineData("window-alone", "SpikeWindow is set but SpikeSigmas is not")]
    [InlineData("stall", "after")]
    [InlineData("crossed", "every value would fire")]
    public void A_bad_setting_is_refused_when_the_metric_is_declared_with_the_metric_named(string setting, string expected)
    {
        var alerts = setting switch
        {
            "above" => new MetricAlerts { Above = double.PositiveInfinity },
            "sigmas" => new MetricAlerts { SpikeSigmas = 0 },
            "window" => new MetricAlerts { SpikeSigmas = 3, SpikeWindow = 4 },
            "window-alone" => new MetricAlerts { SpikeWindow = 50 },
            "stall" => new MetricAlerts { StallAfter = TimeSpan.Zero },
            _ => new MetricAlerts { Above = 1, Below = 1 },
        };

        var error = Assert.ThrowsAny<ArgumentException>(() => new MetricDeclaration("bad_alerts", options: new MetricOptions { Alerts = alerts }));
        Assert.Contains("Metric 'bad_alerts'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_declarations_of_a_name_with_different_rules_are_two_definitions()
    {
        var first = new MetricDeclaration("rules_differ", options: new MetricOptions { Alerts = new MetricAlerts { Above = 1 } });
        var second = new MetricDeclaration("rules_differ", options: new MetricOptions { Alerts = new MetricAlerts { Above = 2 } });
        var same = new MetricDeclaration("rules_differ", options: new MetricOptions { Alerts = new MetricAlerts { Above = 1 } });
        using var home = new TemporaryDirectory("repro-metric-alerts");
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });
        run.LogScalar(first, 0, 0.5);
        run.LogScalar(same, 1, 0.5);
        var error = Assert.Throws<InvalidOperationException>(() => run.LogScalar(second, 2, 0.5));
        Assert.Contains("declared twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_come_out_in_a_fixed_order_named_after_the_metric()
    {
        var alerts = new MetricAlerts { StallAfter = TimeSpan.FromSeconds(30), SpikeSigmas = 4, Below = 0, Above = 9, NotFinite = true };

        Assert.Equal(
            ["m not finite", "m above 9", "m below 0", "m spike of 4 sigma over 100 values", "m stalled 30 s"],
            alerts.RulesFor("m").Select(r => r.Name));
        Assert.True(new MetricAlerts().IsEmpty);
        Assert.Empty(new MetricAlerts().RulesFor("m"));
    }

    private static List<Event> AlertEvents(RunStore store, string runId) =>
        [.. store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Alert)];
}
