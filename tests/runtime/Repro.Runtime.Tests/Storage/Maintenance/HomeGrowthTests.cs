using Repro.Events;
using Repro.Storage;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>A home that grows faster than the policy allows makes the next run record a warning and log it.</summary>
[Collection(SequentialRuns.Name)]
public sealed class HomeGrowthTests
{
    [Fact]
    public void A_run_started_after_the_home_grew_past_the_threshold_records_and_logs_a_warning_naming_the_rate()
    {
        using var home = new TemporaryDirectory("repro-growth");
        File.WriteAllText(RetentionPolicy.PathOf(home.Path), "{ \"growth_warning_mb_per_day\": 1 }");
        // Twelve hours ago the home held about nothing; since then 2 MB arrived: 4 MB a day.
        File.WriteAllText(Path.Combine(home.Path, HomeGrowth.FileName), $"{{\"time\":\"{DateTime.UtcNow.AddHours(-12):yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"bytes\":100}}\n");
        File.WriteAllBytes(Path.Combine(home.Path, "big.bin"), new byte[2_000_000]);
        using var logs = new CollectingLoggerFactory();

        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, LoggerFactory = logs, WarningsToStandardError = false }))
        {
            runId = run.Id.ToString();
            SpinWait.SpinUntil(() => logs.Messages.Any(m => m.Contains("MB a day", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        }

        var warning = new RunStore(home.Path).ReadEvents(runId).Single(e => e.ValueCase == Event.ValueOneofCase.Text);
        Assert.Equal(Text.Types.Level.Warning, warning.Text.Level);
        // 2 MB written by the test, and the new run's own folder.
        Assert.Matches(@"grew 2(\.\d)? MB in the last 12 hours \([45](\.\d)? MB a day, over the 1 MB a day of growth_warning_mb_per_day\); 'repro du' shows where", warning.Text.Message);
        Assert.Contains(logs.Messages, m => m == warning.Text.Message);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(home.Path, HomeGrowth.FileName)).Length);
    }

    [Fact]
    public void Slow_growth_a_sample_younger_than_an_hour_or_no_threshold_records_no_warning()
    {
        using var home = new TemporaryDirectory("repro-growth");
        File.WriteAllText(Path.Combine(home.Path, HomeGrowth.FileName), $"{{\"time\":\"{DateTime.UtcNow.AddMinutes(-10):yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"bytes\":100}}\n");
        File.WriteAllBytes(Path.Combine(home.Path, "big.bin"), new byte[2_000_000]);

        Assert.Null(HomeGrowth.Sample(home.Path, DateTimeOffset.UtcNow)); // only ten minutes of history
        var rate = HomeGrowth.Sample(home.Path, DateTimeOffset.UtcNow.AddHours(2))!;
        Assert.Equal(100, rate.EarlierBytes); // of the two samples, the one closer to a day before
        Assert.InRange(rate.Since.TotalHours, 2.1, 2.2);

        File.WriteAllText(RetentionPolicy.PathOf(home.Path), "{ }");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
        }

        Assert.DoesNotContain(new RunStore(home.Path).ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Text);
    }
}
