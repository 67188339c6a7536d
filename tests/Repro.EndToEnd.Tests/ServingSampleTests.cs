using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Repro.Drift;
using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests;

/// <summary>
/// The serving sample as a real process: it loads the training sample's best checkpoint through Repro, serves a load
/// generator whose points move along x half-way, and `repro drift` flags x and not y; killed with SIGKILL under load,
/// the sketches it had flushed survive.
/// </summary>
public sealed partial class ServingSampleTests
{
    private static readonly string[] s_sketched = ["features/x", "features/y", "outputs/confidence"];

    [Fact]
    public void Drift_flags_the_shifted_feature_and_not_the_other_and_the_serving_run_names_its_model()
    {
        using var home = new TemporaryDirectory("repro-serving-sample");
        var training = Train(home.Path);
        var served = ChildProcess.Run("dotnet", [ServingPath, training, "--requests", "4000", "--shift-after", "2000"], home.Path, Environment(home.Path)).EnsureSuccess("the serving sample");
        var serving = ServedLine().Match(served.Output).Groups[1].Value;

        var drift = ChildProcess.Run("dotnet", [RepoPaths.Artifact("Repro.Cli", "repro.dll"), "drift", training, serving, "--json", "--home", home.Path], home.Path, Environment(home.Path));

        Assert.Equal(1, drift.ExitCode);
        var features = JsonDocument.Parse(drift.Output).RootElement.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("feature").GetString()!, f => (Verdict: f.GetProperty("verdict").GetString(), Values: f.GetProperty("servingValues").GetInt64()));
        Assert.Equal(("drifted", 4000L), features["features/x"]);
        Assert.Equal(("stable", 4000L), features["features/y"]);
        var store = new RunStore(home.Path);
        var best = store.GetRun(training).Lineage.Tags["best/validation/accuracy"];
        var identity = store.ReadEvents(serving).First(e => e.ValueCase == Event.ValueOneofCase.Text);
        Assert.Equal((best, training), (identity.Tags["model.sha256"], identity.Tags["model.run"]));
        Assert.Equal(40, store.ReadEvents(serving).Count(e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message == "sampled request"));
    }

    [Fact]
    public void A_serving_process_killed_under_load_keeps_every_request_it_had_flushed()
    {
        using var home = new TemporaryDirectory("repro-serving-sample");
        var training = Train(home.Path);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = home.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { ServingPath, training, "--requests", "100000000", "--flush-every", "500", "--threads", "2" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REPRO_HOME"] = home.Path;
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        long acknowledged = 0;
        string? serving = null;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (acknowledged < 3_000 && DateTime.UtcNow < deadline && process.StandardOutput.ReadLine() is { } line)
        {
            serving ??= ServingLine().Match(line) is { Success: true } started ? started.Groups[1].Value : null;
            if (line.StartsWith("FLUSHED ", StringComparison.Ordinal))
            {
                acknowledged = Math.Max(acknowledged, long.Parse(line["FLUSHED ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.Kill(); // SIGKILL: no handler runs
        process.WaitForExit();

        Assert.True(acknowledged >= 3_000, $"the sample acknowledged only {acknowledged} requests in three minutes");
        Assert.NotNull(serving);
        var store = new RunStore(home.Path);
        Assert.Equal(RunStatus.Crashed, store.GetRun(serving).Status);
        var report = DriftAnalysis.Compare(store, training, serving);
        Assert.All(s_sketched, name =>
            Assert.True(report.Features.Where(f => f.Feature == name).Sum(f => f.ServingValues) >= acknowledged, $"{name}: fewer than the {acknowledged} requests acknowledged"));
    }

    private static string ServingPath => RepoPaths.Artifact("Repro.Samples.MoonsServing", "Repro.Samples.MoonsServing.dll");

    private static Dictionary<string, string> Environment(string home) => new() { ["REPRO_HOME"] = home };

    private static string Train(string home)
    {
        var result = ChildProcess.Run("dotnet", [RepoPaths.Artifact("Repro.Samples.Moons", "Repro.Samples.Moons.dll"), "--epochs", "5"], home, Environment(home)).EnsureSuccess("the training sample");
        return TrainedLine().Match(result.Output).Groups[1].Value;
    }

    [GeneratedRegex(@"^Run ([0-9A-Z]{26}) finished\.", RegexOptions.Multiline)]
    private static partial Regex TrainedLine();

    [GeneratedRegex(@"run ([0-9A-Z]{26}) finished\.", RegexOptions.Multiline)]
    private static partial Regex ServedLine();

    [GeneratedRegex(@"in run ([0-9A-Z]{26})\.$")]
    private static partial Regex ServingLine();
}
