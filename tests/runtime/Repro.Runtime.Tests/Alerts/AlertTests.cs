using Repro.Alerts;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Alerts;

/// <summary>
/// Alert rules on real runs: each fires in the writer pass that writes the value (a flush proves it), once per
/// episode, in the log, the manifest and the callback; callbacks that throw or hang never hold up logging.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class AlertTests
{
    private static readonly MetricDeclaration s_loss = new("alert_loss");
    private static readonly MetricDeclaration s_tokens = new("alert_tokens", valueType: MetricValueType.Int64);

    [Fact]
    public void A_NaN_and_a_spike_each_fire_in_the_pass_that_writes_them_once_per_episode_and_normal_noise_fires_nothing()
    {
        var random = new Random(20261206);
        using var home = new TemporaryDirectory("repro-alerts");
        using var run = Start(home, [AlertRule.NotFinite(s_loss.Name), AlertRule.Spike(s_loss.Name, sigmas: 6, window: 50)]);
        var store = new RunStore(home.Path);
        double Noise() => 1.0 + ((random.NextDouble() - 0.5) * 0.02);
        for (long step = 0; step < 200; step++)
        {
            run.LogScalar(s_loss, step, Noise());
        }

        run.LogScalar(s_loss, 200, double.NaN);
        run.Flush();
        var afterNaN = Alerts(store, run);
        var nan = Assert.Single(afterNaN);
        Assert.Equal(("not_finite", 200L), (nan.Alert.Kind, nan.Step));
        var nanScalar = store.ReadEvents(run.Id.ToString()).Single(e => e.ValueCase == Event.ValueOneofCase.Scalar && double.IsNaN(e.Scalar.Value));
        Assert.True(nan.Sequence > nanScalar.Sequence);

        run.LogScalar(s_loss, 201, double.PositiveInfinity); // the same episode: no second alert
        for (long step = 202; step < 300; step++)
        {
            run.LogScalar(s_loss, step, Noise());
        }

        run.LogScalar(s_loss, 300, 50.0);
        run.Flush();
        var spike = Alerts(store, run).Single(a => a.Alert.Kind == "spike");
        Assert.Equal((300L, 50.0), (spike.Step, spike.Alert.Value));
        Assert.Equal(s_loss.Name, spike.Alert.Metric);
        Assert.Contains("robust standard deviations", spike.Alert.Message, StringComparison.Ordinal);

        run.LogScalar(s_loss, 301, Noise());
        run.LogScalar(s_loss, 302, double.NaN); // a new episode
        run.Flush();
        Assert.Equal(["not_finite", "spike", "not_finite"], Alerts(store, run).Select(a => a.Alert.Kind));
    }

    [Fact]
    public void A_callback_that_throws_is_called_for_every_alert_and_logging_goes_on_with_every_alert_in_the_log_and_manifest()
    {
        using var home = new TemporaryDirectory("repro-alerts");
        using var logs = new CollectingLoggerFactory();
        var calls = 0;
        string runId;
        using (var run = Run.Start(new RunOptions
        {
            Home = home.Path,
            TelemetryInterval = TimeSpan.Zero,
            WarningsToStandardError = false,
            LoggerFactory = logs,
            Alerts = [AlertRule.Above(s_loss.Name, 10), AlertRule.Below(s_loss.Name, -10)],
            OnAlert = _ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("the pager is down");
            },
        }))
        {
            runId = run.Id.ToString();
            for (long step = 0; step < 20_000; step++)
            {
                run.LogScalar(s_loss, step, step % 1_000 == 500 ? 11 : step % 1_000 == 900 ? -11 : 0);
            }
        }

        var store = new RunStore(home.Path);
        var events = store.ReadEvents(runId).ToList();
        Assert.Equal(20_000, events.Count(e => e.ValueCase == Event.ValueOneofCase.Scalar));
        Assert.Equal(40, events.Count(e => e.ValueCase == Event.ValueOneofCase.Alert));
        Assert.Equal(40, calls);
        Assert.Equal(40, logs.Messages.Count(m => m.StartsWith("Alert alert_loss ", StringComparison.Ordinal)));
        Assert.Equal(40, logs.Messages.Count(m => m.StartsWith("The alert callback threw on alert alert_loss", StringComparison.Ordinal)));
        var manifest = store.GetRun(runId);
        Assert.Equal(40, manifest.AlertCount);
        Assert.Equal("alert_loss above 10", manifest.Alerts[0].Rule);
        Assert.Equal(500, manifest.Alerts[0].Step);
        Assert.Equal(Lifecycle.Types.Kind.Finished, events[^1].Lifecycle.Kind);
    }

    [Fact]
    public void A_callback_that_hangs_never_holds_up_logging_or_the_end_of_the_run_and_the_alerts_it_missed_are_counted()
    {
        using var home = new TemporaryDirectory("repro-alerts");
        using var release = new ManualResetEventSlim(false);
        string runId;
        long dropped;
        var run = Start(home, [AlertRule.Above(s_loss.Name, 0.5)], _ => release.Wait());
        runId = run.Id.ToString();
        for (long step = 0; step < 2_000; step++)
        {
            run.LogScalar(s_loss, step, step % 2); // every other value crosses: 1,000 alerts
        }

        run.Flush();
        var ender = new Thread(run.Dispose);
        ender.Start();
        Assert.True(ender.Join(TimeSpan.FromSeconds(60)), "the run did not end while its alert callback hung");
        dropped = run.DroppedAlerts;
        release.Set();

        var store = new RunStore(home.Path);
        Assert.Equal(1_000, store.ReadEvents(runId).Count(e => e.ValueCase == Event.ValueOneofCase.Alert));
        Assert.Equal(2_000, store.ReadEvents(runId).Count(e => e.ValueCase == Event.ValueOneofCase.Scalar));
        Assert.True(dropped >= 1_000 - AlertDispatcher.Capacity - 1, $"{dropped} dropped");
        Assert.Equal(Repro.Runs.RunStatus.Finished, store.GetRun(runId).Status);
    }

    [Fact]
    public void A_stall_fires_once_when_no_new_step_comes_for_its_time_and_names_the_last_step()
    {
        using var home = new TemporaryDirectory("repro-alerts");
        string runId;
        using (var run = Start(home, [AlertRule.Stall(TimeSpan.FromMilliseconds(200))]))
        {
            runId = run.Id.ToString();
            for (long step = 0; step <= 10; step++)
            {
                run.LogScalar(s_loss, step, step);
            }

            run.Flush();
            Thread.Sleep(700); // the writer's idle passes notice the stall
            run.LogScalar(s_loss, 10, 0); // the same step again: still stalled, no second alert
            run.Flush();
        }

        var alerts = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Alert).ToList();
        var stall = Assert.Single(alerts);
        Assert.Equal(("stall", 10L), (stall.Alert.Kind, stall.Step));
        Assert.True(stall.Alert.Value > 0.2);
        Assert.Contains("the last was step 10", stall.Alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_out_of_memory_and_failing_fire_their_alert_just_before_the_failed_event()
    {
#pragma warning disable CA2201 // The runtime throws it; a training loop that catches it and fails the run passes exactly this.
        var outOfMemory = new OutOfMemoryException("Insufficient memory");
#pragma warning restore CA2201
        foreach (var (failure, kind) in new (Exception, string)[] { (outOfMemory, "out_of_memory"), (new InvalidOperationException("CUDA out of memory. Tried to allocate 2.00 GiB"), "out_of_memory"), (new ArgumentException("bad batch"), "failed") })
        {
            using var home = new TemporaryDirectory("repro-alerts");
            string runId;
            using (var run = Start(home, [AlertRule.RunFailed()]))
            {
                runId = run.Id.ToString();
                run.LogScalar(s_loss, 0, 1);
                run.Fail(failure);
            }

            var store = new RunStore(home.Path);
            var events = store.ReadEvents(runId).ToList();
            Assert.Equal(Lifecycle.Types.Kind.Failed, events[^1].Lifecycle.Kind);
            Assert.Equal(kind, events[^2].Alert.Kind);
            Assert.Equal(kind, store.GetRun(runId).Alerts.Single().Kind);
            Assert.Equal(events[^1].Sequence, store.GetRun(runId).LastSequence);
        }
    }

    [Fact]
    public void Integer_metrics_are_compared_by_value_not_by_their_bits()
    {
        using var home = new TemporaryDirectory("repro-alerts");
        string runId;
        using (var run = Start(home, [AlertRule.Above(s_tokens.Name, 1_000)]))
        {
            runId = run.Id.ToString();
            foreach (var value in new long[] { 1, 999, 1_000, 1_001, -5 })
            {
                run.LogInteger(s_tokens, value, value);
            }
        }

        var alert = new RunStore(home.Path).ReadEvents(runId).Single(e => e.ValueCase == Event.ValueOneofCase.Alert);
        Assert.Equal((1_001L, 1_001.0), (alert.Step, alert.Alert.Value));
    }

    [Fact]
    public void Rules_are_checked_when_they_are_made_and_a_run_without_rules_writes_no_alert()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRule.Spike("loss", sigmas: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRule.Spike("loss", window: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRule.Above("loss", double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRule.Stall(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => AlertRule.NotFinite(" "));
        using var home = new TemporaryDirectory("repro-alerts");
        Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { Home = home.Path, Alerts = [null!] }));

        string runId;
        using (var run = Start(home, []))
        {
            runId = run.Id.ToString();
            run.LogScalar(s_loss, 0, double.NaN);
        }

        Assert.DoesNotContain(new RunStore(home.Path).ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Alert);
    }

    private static Run Start(TemporaryDirectory home, IReadOnlyList<AlertRule> rules, Action<AlertFired>? onAlert = null) =>
        Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, Alerts = rules, OnAlert = onAlert, WarningsToStandardError = false });

    private static List<Event> Alerts(RunStore store, Run run) =>
        [.. store.ReadEvents(run.Id.ToString()).Where(e => e.ValueCase == Event.ValueOneofCase.Alert)];
}
