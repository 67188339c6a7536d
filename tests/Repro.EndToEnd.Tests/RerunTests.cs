using System.Text.RegularExpressions;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests;

/// <summary>
/// <c>repro rerun</c> as a user types it: the stamped commit rebuilt in a worktree and run again, then diffed. The
/// sample reruns bit for bit (also with one thread); a program with an unseeded shuffle does not, and nothing
/// recorded explains it; a dirty build whose patch was not kept is refused with the reason.
/// </summary>
public partial class RerunTests
{
    [Fact]
    public void The_sample_reruns_bit_identically_on_the_cpu_and_a_one_thread_rerun_records_the_thread_change()
    {
        using var home = new TemporaryDirectory("repro-rerun");
        var sample = ChildProcess.Run("dotnet", [RepoPaths.Artifact("Repro.Samples.Moons", "Repro.Samples.Moons.dll")], home.Path, Home(home.Path)).EnsureSuccess("the sample");
        var original = RunIdLine().Match(sample.Output).Groups[1].Value;

        var rerun = Repro(home.Path, "rerun", original, "--repository", RepoPaths.Root);

        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains("identical through step 325", rerun.Output, StringComparison.Ordinal);
        var runs = new RunStore(home.Path).ListRuns();
        Assert.Equal(original, Assert.Single(runs, r => r.RerunOf is not null).RerunOf);

        var oneThread = Repro(home.Path, "rerun", original, "--repository", RepoPaths.Root, "--threads", "1");
        // On the sample's small network the result does not depend on the thread count; the record says what changed.
        Assert.True(oneThread.ExitCode == 0, oneThread.All);
        Assert.Contains("identical through step 325", oneThread.Output, StringComparison.Ordinal);
        Assert.Matches(@"env\.OMP_NUM_THREADS\s*│\s*unset\s*│\s*1", oneThread.Output);
    }

    [Fact]
    public void A_program_with_an_unseeded_shuffle_reruns_into_a_divergence_that_nothing_recorded_explains()
    {
        using var project = Consumer("""
            using Repro;

            var order = Enumerable.Range(0, 200).ToArray();
            Random.Shared.Shuffle(order); // unseeded: a different order on every run
            var loss = new MetricDeclaration("loss");
            using var run = Run.Start(new RunOptions { Name = "shuffler" });
            for (var step = 0; step < order.Length; step++)
            {
                run.LogScalar(loss, step, order[step] / 200.0);
            }
            """);
        project.InitGitAndCommit();
        Assert.True(project.Build().ExitCode == 0);
        using var home = new TemporaryDirectory("repro-rerun-shuffle");
        project.Run(Home(home.Path)).EnsureSuccess("the shuffling program");
        var original = Assert.Single(new RunStore(home.Path).ListRuns()).RunId;

        var rerun = Repro(home.Path, "rerun", original, "--repository", project.Directory);

        Assert.Equal(1, rerun.ExitCode);
        Assert.Matches(@"diverge at step \d+ \(loss\)", rerun.Output);
        Assert.Contains("no recorded difference explains it", rerun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dirty_build_whose_patch_was_not_kept_is_refused_with_the_reason()
    {
        using var project = Consumer("""
            using Repro;

            using var run = Run.Start(new RunOptions { Name = "dirty" });
            run.LogScalar(new MetricDeclaration("loss"), 0, 1.0);
            """);
        project.InitGitAndCommit();
        project.Write("Notes.cs", "internal static class Notes { }\n"); // uncommitted: the build is dirty
        Assert.True(project.Build("ReproPatchSizeLimit=16").ExitCode == 0); // a patch over 16 bytes is not kept
        using var home = new TemporaryDirectory("repro-rerun-dirty");
        project.Run(Home(home.Path)).EnsureSuccess("the dirty program");
        var original = Assert.Single(new RunStore(home.Path).ListRuns()).RunId;

        var rerun = Repro(home.Path, "rerun", original, "--repository", project.Directory);

        Assert.Equal(1, rerun.ExitCode);
        Assert.Contains("repro: rerun refused: ", rerun.Error, StringComparison.Ordinal);
        Assert.Contains("uncommitted changes", rerun.Error, StringComparison.Ordinal);
        Assert.Contains("did not keep its patch", rerun.Error, StringComparison.Ordinal);
        Assert.Single(new RunStore(home.Path).ListRuns()); // nothing was run
    }

    /// <summary>A console program using Repro's runtime, stamped by Repro's targets, in its own git repository.</summary>
    private static ScratchProject Consumer(string program)
    {
        var project = new ScratchProject("Consumer");
        string Dependency(string file) => Path.Combine(AppContext.BaseDirectory, file);
        project.WriteProject(ScratchProject.ReproImports + $"""
              <ItemGroup>
                <Reference Include="{Dependency("Repro.Runtime.dll")}" />
                <Reference Include="{Dependency("Google.Protobuf.dll")}" />
                <Reference Include="{Dependency("Ulid.dll")}" />
              </ItemGroup>
            """);
        project.Write("Program.cs", program);
        return project;
    }

    private static Dictionary<string, string> Home(string home) => new() { ["REPRO_HOME"] = home };

    private static ProcessResult Repro(string home, params string[] args) =>
        ChildProcess.Run("dotnet", [RepoPaths.Artifact("Repro.Cli", "repro.dll"), .. args, "--home", home], home, Home(home), TimeSpan.FromMinutes(8));

    [GeneratedRegex(@"^Run ([0-9A-Z]{26}) finished\.", RegexOptions.Multiline)]
    private static partial Regex RunIdLine();
}
