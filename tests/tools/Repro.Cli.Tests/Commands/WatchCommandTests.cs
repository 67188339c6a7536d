using Repro.Alerts;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro watch</c> follows a real run as it goes: status lines with rates, alerts as they fire, a summary at the end.</summary>
[Collection(Repro.Tests.Shared.SequentialRuns.Name)]
public sealed class WatchCommandTests
{
    private static readonly MetricDeclaration s_loss = new("loss");

    [Fact]
    public void Watch_follows_a_live_run_printing_rates_and_each_alert_as_it_fires_and_returns_when_the_run_ends()
    {
        using var cli = new CliHarness();
        var run = Run.Start(new RunOptions { Home = cli.Home, Name = "watched", TelemetryInterval = TimeSpan.Zero, Alerts = [AlertRule.NotFinite("loss")], WarningsToStandardError = false });
        for (long step = 0; step < 100; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        run.Flush();
        (int ExitCode, string Output, string Error) result = (-1, string.Empty, string.Empty);
        var watcher = new Thread(() => result = cli.Invoke("watch", run.Id.ToString(), "--interval", "0.1"));
        watcher.Start();
        Thread.Sleep(800);
        run.LogScalar(s_loss, 100, double.NaN);
        for (long step = 101; step < 200; step++)
        {
            run.LogScalar(s_loss, step, 0.5);
        }

        run.Flush();
        Thread.Sleep(800);
        run.Dispose();
        Assert.True(watcher.Join(TimeSpan.FromSeconds(30)), "watch did not return after the run ended");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n');
        Assert.StartsWith($"Watching run {run.Id} (watched)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("loss=", StringComparison.Ordinal) && l.Contains("/s)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ALERT not_finite at step 100: loss is NaN at step 100.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Last: loss=0.5 @ step 199 (200 values)", StringComparison.Ordinal));
        Assert.Contains($"Run {run.Id} finished;", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 alert(s).", result.Output, StringComparison.Ordinal);
        var show = cli.Invoke("runs", "show", run.Id.ToString());
        Assert.Contains("not_finite at step 100 (event", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_of_an_ended_run_prints_its_summary_at_once_and_a_bad_interval_is_a_usage_error()
    {
        using var cli = new CliHarness();
        var runId = cli.RecordRun("done", 5);

        var watched = cli.Invoke("watch", runId);

        Assert.Equal(0, watched.ExitCode);
        Assert.Contains("Last: loss=0.2 @ step 4 (5 values)", watched.Output, StringComparison.Ordinal);
        Assert.Contains($"Run {runId} finished; ", watched.Output, StringComparison.Ordinal);
        Assert.Equal(2, cli.Invoke("watch", runId, "--interval", "0").ExitCode);
    }
}
