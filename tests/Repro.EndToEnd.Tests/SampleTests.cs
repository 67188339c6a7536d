using System.Text.RegularExpressions;
using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests;

public partial class SampleTests
{
    [Fact]
    public void The_same_seed_gives_identical_losses_and_another_seed_does_not_and_repro_diff_and_verify_say_so()
    {
        using var home = new TemporaryDirectory("repro-sample");

        var (firstId, first) = RunSample(home.Path);
        var (secondId, second) = RunSample(home.Path);
        var (otherId, other) = RunSample(home.Path, "--seed", "7");

        Assert.Equal(325, first.Count); // 13 mini-batches of the 820 training points, 25 epochs
        Assert.Equal(first.Select(BitConverter.DoubleToInt64Bits), second.Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual(first, other);

        // The same answers from the command a user types, as a separate process.
        var same = ReproCli(home.Path, "diff", firstId, secondId);
        Assert.Equal(0, same.ExitCode);
        Assert.Contains("identical through step 325", same.Output, StringComparison.Ordinal);
        var different = ReproCli(home.Path, "diff", firstId, otherId);
        Assert.Equal(1, different.ExitCode);
        Assert.Contains("diverge at step 0 (loss)", different.Output, StringComparison.Ordinal);
        Assert.Contains("- seeds: torch.cpu 20261126 → 7", different.Output, StringComparison.Ordinal);

        var verified = ReproCli(home.Path, "verify", firstId, "--repository", RepoPaths.Root, "--json");
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        using var checks = System.Text.Json.JsonDocument.Parse(verified.Output);
        var commit = checks.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("subject").GetString() == "stamped commit");
        Assert.Equal("passed", commit.GetProperty("outcome").GetString());
    }

    [Fact]
    public void The_run_records_the_build_stamp_seed_and_learning_progress()
    {
        using var home = new TemporaryDirectory("repro-sample");
        var result = ChildProcess.Run("dotnet", [SamplePath], home.Path, Environment(home.Path)).EnsureSuccess("the sample");
        var runId = RunIdLine().Match(result.Output).Groups[1].Value;

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(runId);
        Assert.Contains($"Stored in {Path.Combine(home.Path, "runs", runId)}", result.Output, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Finished, manifest.Status);
        Assert.Equal("moons-classifier", manifest.Name);
        Assert.True(manifest.Build.Stamped);
        Assert.Matches("^[0-9a-f]{40}$", manifest.Build.Commit);
        Assert.NotNull(manifest.Build.Dirty);
        Assert.Equal(20261126, manifest.Seeds["torch.cpu"]);
        Assert.Equal(20261126, manifest.Hyperparameters!.Value.GetProperty("seed").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", manifest.ConfigHash);
        Assert.Contains("learning_rate", result.Output, StringComparison.Ordinal); // the configuration summary
        var accuracy = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar && e.Name == "train/accuracy").Select(e => e.Scalar.Value).ToList();
        Assert.Equal(25, accuracy.Count);
        Assert.True(accuracy[^1] > 0.95, $"final accuracy {accuracy[^1]}");

        // Lineage: the data's fingerprint, the exact validation split, a checkpoint per epoch, the best one tagged.
        var moons = Assert.Single(manifest.Lineage.Datasets);
        Assert.Equal(("moons", 1024L, "repro-tensors-sha256-v1"), (moons.Name, moons.Files, moons.Algorithm));
        var split = Assert.Single(manifest.Lineage.Splits);
        Assert.Equal(Enumerable.Range(0, 1024).Where(i => i % 5 == 4).Select(i => (long)i), Repro.Artifacts.SplitIndices.Decode(new Repro.Artifacts.ContentStore(home.Path).ReadAllBytes(split.Sha256)));
        Assert.Equal(25, manifest.Lineage.Artifacts.Count(artifact => artifact.Kind == "checkpoint"));
        var validation = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar && e.Name == "validation/accuracy").Select(e => e.Scalar.Value).ToList();
        var bestEpoch = validation.IndexOf(validation.Max());
        Assert.Equal(manifest.Lineage.Artifacts.Where(artifact => artifact.Kind == "checkpoint").ElementAt(bestEpoch).Sha256, manifest.Lineage.Tags["best/validation/accuracy"]);
        Assert.Equal(manifest.Lineage.Artifacts[^1].Sha256, manifest.Lineage.Tags["last"]);
        var artifactEvents = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Artifact).ToList();
        Assert.All(artifactEvents, e => Assert.Equal(moons.Sha256, e.Artifact.Provenance.Datasets["moons"]));
        Assert.Equal(validation[bestEpoch], artifactEvents[bestEpoch].Artifact.Provenance.Metrics["validation/accuracy"]);
    }

    [Fact]
    public void Help_lists_every_setting_and_a_bad_value_exits_2_with_the_problem_and_no_run_recorded()
    {
        using var home = new TemporaryDirectory("repro-sample");

        var help = ChildProcess.Run("dotnet", [SamplePath, "--help"], home.Path, Environment(home.Path));
        var bad = ChildProcess.Run("dotnet", [SamplePath, "--learning-rate", "5", "--epoch", "3"], home.Path, Environment(home.Path));

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--learning-rate <double>", help.Output, StringComparison.Ordinal);
        Assert.Contains("[env: REPRO_HP_SEED]", help.Output, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("learning_rate", bad.Error, StringComparison.Ordinal);
        Assert.Contains("--epoch", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home.Path, "runs")) && Directory.EnumerateDirectories(Path.Combine(home.Path, "runs")).Any(), "a configuration error must not record a run");
    }

    [Fact]
    public void A_home_that_cannot_be_created_is_one_line_naming_the_folder_and_exit_1_not_a_stack_trace()
    {
        using var work = new TemporaryDirectory("repro-sample");
        var file = work.Combine("not-a-folder");
        File.WriteAllText(file, "a file where the home's parent folder should be\n");
        var home = Path.Combine(file, "home");

        var result = ChildProcess.Run("dotnet", [SamplePath], work.Path, Environment(home));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(home, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static string SamplePath => RepoPaths.Artifact("Repro.Samples.Moons", "Repro.Samples.Moons.dll");

    private static Dictionary<string, string> Environment(string home) => new() { ["REPRO_HOME"] = home };

    private static (string RunId, List<double> Losses) RunSample(string home, params string[] args)
    {
        var result = ChildProcess.Run("dotnet", [SamplePath, .. args], home, Environment(home)).EnsureSuccess("the sample");
        var runId = RunIdLine().Match(result.Output).Groups[1].Value;
        return (runId, new RunStore(home).ReadEvents(runId)
            .Where(e => e.ValueCase == Event.ValueOneofCase.Scalar && e.Name == "loss")
            .Select(e => e.Scalar.Value)
            .ToList());
    }

    private static ProcessResult ReproCli(string home, params string[] args) =>
        ChildProcess.Run("dotnet", [RepoPaths.Artifact("Repro.Cli", "repro.dll"), .. args, "--home", home], home, Environment(home));

    [GeneratedRegex(@"^Run ([0-9A-Z]{26}) finished\.", RegexOptions.Multiline)]
    private static partial Regex RunIdLine();
}
