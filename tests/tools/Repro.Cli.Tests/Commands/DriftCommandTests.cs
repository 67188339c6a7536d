using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro drift</c> on real runs: the table, the JSON, the exit code, and bad windows.</summary>
[Collection(SequentialRuns.Name)]
public sealed class DriftCommandTests
{
    private static readonly FeatureSet s_inputs = new(["temperature", "pressure"]);
    private static readonly long s_day = FeatureSet.DayOf(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_shifted_feature_is_flagged_in_the_table_and_the_json_and_the_exit_code_says_so()
    {
        using var cli = new CliHarness();
        var random = new Random(20261208);
        var training = Record(cli.Home, 5_000, 0, () => [random.NextDouble() * 30, 1000 + (random.NextDouble() * 50)]);
        var steady = Record(cli.Home, 2_000, s_day, () => [random.NextDouble() * 30, 1000 + (random.NextDouble() * 50)]);
        var shifted = Record(cli.Home, 2_000, s_day, () => [10 + (random.NextDouble() * 30), 1000 + (random.NextDouble() * 50)]);

        var calm = cli.Invoke("drift", training, steady);
        var alarm = cli.Invoke("drift", training, shifted);
        var json = cli.Invoke("drift", training, shifted, "--json");

        Assert.True(calm.ExitCode == 0, calm.Error);
        Assert.Contains("No drift (PSI below 0.25, KS below 0.1).", calm.Output, StringComparison.Ordinal);
        Assert.Equal(1, alarm.ExitCode);
        Assert.Contains("2026-12-01", alarm.Output, StringComparison.Ordinal);
        Assert.Contains("Drifted: features/temperature.", alarm.Output, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.True(root.GetProperty("drifted").GetBoolean());
        var temperature = root.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "features/temperature");
        Assert.Equal(("drifted", "2026-12-01", 2_000), (temperature.GetProperty("verdict").GetString(), temperature.GetProperty("firstDay").GetString(), temperature.GetProperty("servingValues").GetInt32()));
        Assert.True(temperature.GetProperty("psi").GetDouble() > 0.25);
        var pressure = root.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "features/pressure");
        Assert.Equal("stable", pressure.GetProperty("verdict").GetString());

        using var pages = new TemporaryDirectory("repro-drift-html");
        Assert.Equal(1, cli.Invoke("drift", training, shifted, "--html", pages.Combine("a.html")).ExitCode);
        Assert.Equal(1, cli.Invoke("drift", training, shifted, "--html", pages.Combine("b.html")).ExitCode);
        var page = File.ReadAllText(pages.Combine("a.html"));
        Assert.Equal(page, File.ReadAllText(pages.Combine("b.html"))); // the same runs give the same bytes
        Assert.Contains("Content-Security-Policy", page, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(page, "<svg class=\"chart\""));
        Assert.Contains("Drifted: features/temperature", page, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"differs\"><td>2026-12-01</td>", page, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pages.Combine("a.html")));
        }

        var steps = cli.Invoke("drift", training, shifted, "--window", "7", "--json");
        Assert.Equal(7, JsonDocument.Parse(steps.Output).RootElement.GetProperty("windowSteps").GetInt32());
        Assert.Equal(2, cli.Invoke("drift", training, shifted, "--window", "0d").ExitCode);
        Assert.Equal(2, cli.Invoke("drift", training, shifted, "--window", "weekly").ExitCode);
    }

    private static string Record(string home, int examples, long step, Func<double[]> example)
    {
        using var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero });
        for (var i = 0; i < examples; i++)
        {
            run.LogFeatures(s_inputs, step, example());
        }

        return run.Id.ToString();
    }
}
