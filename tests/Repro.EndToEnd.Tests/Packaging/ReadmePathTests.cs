using System.Diagnostics;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;
using Xunit.Abstractions;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// Walks the README's path as a new user would, on a fresh machine account (an empty home folder): every
/// command block it says to run is run as written and every file it says to paste is pasted, in order — pack
/// into the feed, install the tool and the template, create a project from the template, add Repro to an
/// existing project, build, run, break a setting, read the runs with the installed tool. The README cannot
/// drift from what works.
/// </summary>
[Collection(PackingFromTheCheckout.Name)]
public sealed class ReadmePathTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_block_the_readme_says_to_run_or_paste_works_as_written()
    {
        var blocks = ReadmeBlock.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")));
        Assert.Contains(blocks, b => b.Place == ReadmeBlock.ReproCheckout);
        Assert.Contains(blocks, b => b.Place == ReadmeBlock.NewProject);
        Assert.Contains(blocks, b => b.FileName == "Program.cs");

        using var work = new TemporaryDirectory("repro-readme");
        var user = new UserAccount(work.Path);
        var projects = Directory.CreateDirectory(Path.Combine(user.Home, "projects")).FullName;
        var yourProject = user.ExistingProject();

        var checkoutBefore = ChildProcess.Git(RepoPaths.Root, "status", "--porcelain").Output;
        var newProjectFolder = projects;
        var steps = new List<Step>();
        foreach (var block in blocks)
        {
            if (block.FileName is { } file)
            {
                File.WriteAllText(Path.Combine(yourProject, file), block.Text);
                continue;
            }

            foreach (var command in block.Commands())
            {
                var folder = block.Place switch
                {
                    ReadmeBlock.ReproCheckout => RepoPaths.Root,
                    ReadmeBlock.NewProject => newProjectFolder,
                    _ => yourProject,
                };
                if (command.CommandLine.StartsWith("cd ", StringComparison.Ordinal))
                {
                    newProjectFolder = Path.GetFullPath(Path.Combine(folder, command.CommandLine[3..].Trim()));
                    Assert.True(Directory.Exists(newProjectFolder), $"README line {block.Line}: {command.CommandLine}: no such folder");
                    continue;
                }

                var step = user.Run(block, command, folder);
                steps.Add(step);
                output.WriteLine($"{step.Elapsed.TotalSeconds,7:F1} s  [{block.Place}] {command.CommandLine}");
                Assert.True(step.Result.ExitCode == command.ExpectedExitCode,
                    $"README line {block.Line}: `{command.CommandLine}` exited with {step.Result.ExitCode}, the README promises {command.ExpectedExitCode}:\n{step.Result.All}");
                if (command.CommandLine.StartsWith("dotnet build", StringComparison.Ordinal))
                {
                    Assert.DoesNotContain(": warning ", step.Result.Output, StringComparison.Ordinal);
                }
            }
        }

        output.WriteLine($"{steps.Sum(s => s.Elapsed.TotalSeconds),7:F1} s  in all");
        // Packing leaves the checkout as it was: the feed is outside the tree.
        Assert.Equal(checkoutBefore, ChildProcess.Git(RepoPaths.Root, "status", "--porcelain").Output);
        AssertPackagesShareOneVersion(user.Home);
        AssertOneFinishedRun(Path.Combine(newProjectFolder, ".repro"), steps, ReadmeBlock.NewProject);
        AssertOneFinishedRun(Path.Combine(yourProject, ".repro"), steps, ReadmeBlock.YourProject);

        // The pasted files are uncommitted changes: the run says so where the user looks, not only in the manifest.
        var firstRun = steps.First(s => s.Block.Place == ReadmeBlock.YourProject && s.Command.CommandLine == "dotnet run");
        Assert.Contains("repro: warning: The program was built from a working tree with uncommitted changes", firstRun.Result.Error, StringComparison.Ordinal);
        var cleanRun = steps.First(s => s.Block.Place == ReadmeBlock.NewProject && s.Command.CommandLine == "dotnet run");
        Assert.DoesNotContain("repro: warning", cleanRun.Result.Error, StringComparison.Ordinal);
        var help = steps.Single(s => s.Command.CommandLine == "dotnet run -- --help");
        Assert.Contains("--learning-rate <double>", help.Result.Output, StringComparison.Ordinal);

        // The template's options reach the files: the device the rules assume, the feed, the packed version.
        var gpu = Path.Combine(user.Home, "GpuModel");
        user.Run(blocks[0], ReadmeCommand.Parse($"dotnet new repro-train -n GpuModel -o {gpu} --device cuda --feed /srv/feed"), user.Home).Result.EnsureSuccess("dotnet new repro-train --device cuda");
        Assert.Contains("repro_target_device = cuda", File.ReadAllText(Path.Combine(gpu, ".editorconfig")), StringComparison.Ordinal);
        Assert.Contains("value=\"/srv/feed\"", File.ReadAllText(Path.Combine(gpu, "nuget.config")), StringComparison.Ordinal);
        Assert.Contains($"Include=\"Repro\" Version=\"{FeedVersion(user.Home)}\"", File.ReadAllText(Path.Combine(gpu, "GpuModel.csproj")), StringComparison.Ordinal);

        var badValue = steps.Single(s => s.Block.Place == ReadmeBlock.YourProject && s.Command.ExpectedExitCode == 2);
        Assert.Contains("steps is 0; it must be from 1 to 100000", badValue.Result.All, StringComparison.Ordinal);
        Assert.Contains("Usage: Existing [options]", badValue.Result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", badValue.Result.All, StringComparison.Ordinal);
    }

    private static string FeedVersion(string home) => FeedPackages.Version(Path.Combine(home, "repro-feed"), "Repro.Templates");

    private static void AssertPackagesShareOneVersion(string home)
    {
        string[] ids = ["Repro", "Repro.TorchSharp", "Repro.Cli", "Repro.Templates"];
        var feed = Path.Combine(home, "repro-feed");
        Assert.Single(ids.Select(id => FeedPackages.Version(feed, id)).Distinct());
        Assert.Equal(ids.Length, Directory.GetFiles(feed, "*.nupkg").Length);
    }

    /// <summary>The place's runs: exactly one, finished — the run with a bad setting was never started — and
    /// the installed tool shows it as the latest.</summary>
    private static void AssertOneFinishedRun(string home, List<Step> steps, string place)
    {
        var run = Assert.Single(new RunStore(home).ListRuns());
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.True(run.Best.ContainsKey("loss"));
        var shown = steps.Last(s => s.Block.Place == place && s.Command.CommandLine == "repro runs show latest");
        Assert.Contains(run.RunId, shown.Result.Output, StringComparison.Ordinal);
        Assert.Contains("finished", shown.Result.Output, StringComparison.Ordinal);
    }

    internal sealed record Step(ReadmeBlock Block, ReadmeCommand Command, ProcessResult Result, TimeSpan Elapsed);

    /// <summary>
    /// A user account with nothing of Repro's in it: an empty home folder (so `~/repro-feed`, the global tool
    /// and the installed templates land there), its own NuGet packages folder (so the packages packed here never
    /// enter, or come from, the real cache), and the real cache as a read-only fallback (so libtorch is not
    /// downloaded again).
    /// </summary>
    private sealed class UserAccount
    {
        private readonly string _realPackages;

        public UserAccount(string work)
        {
            Home = Directory.CreateDirectory(Path.Combine(work, "home")).FullName;
            var realHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            _realPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured : Path.Combine(realHome, ".nuget", "packages");
            var realConfig = Path.Combine(realHome, ".nuget", "NuGet", "NuGet.Config");
            if (File.Exists(realConfig))
            {
                // The machine's package sources (a mirror, a proxy) stay what they are.
                File.Copy(realConfig, Path.Combine(Directory.CreateDirectory(Path.Combine(Home, ".nuget", "NuGet")).FullName, "NuGet.Config"));
            }
        }

        public string Home { get; }

        /// <summary>A committed console project in its own git repository, as `dotnet new console` makes it.</summary>
        public string ExistingProject()
        {
            var project = Directory.CreateDirectory(Path.Combine(Home, "Existing")).FullName;
            ChildProcess.Run("dotnet", ["new", "console", "-n", "Existing", "-o", "."], project, UserEnvironment(forCheckout: false)).EnsureSuccess("dotnet new console");
            File.WriteAllText(Path.Combine(project, ".gitignore"), "bin/\nobj/\n.repro/\n");
            ChildProcess.Git(project, "init", "-q");
            ChildProcess.Git(project, "add", "-A");
            ChildProcess.Git(project, "commit", "-q", "-m", "A console project");
            return project;
        }

        public Step Run(ReadmeBlock block, ReadmeCommand command, string folder)
        {
            var clock = Stopwatch.StartNew();
            var result = ChildProcess.Run("bash", ["-c", command.CommandLine], folder, UserEnvironment(block.Place == ReadmeBlock.ReproCheckout), TimeSpan.FromMinutes(8));
            return new Step(block, command, result, clock.Elapsed);
        }

        private Dictionary<string, string> UserEnvironment(bool forCheckout) => new()
        {
            ["HOME"] = Home,
            ["DOTNET_CLI_HOME"] = Home,
            // The checkout restores into the packages folder its own build used; the user's projects into theirs.
            ["NUGET_PACKAGES"] = forCheckout ? _realPackages : Path.Combine(Home, ".nuget", "packages"),
            ["RestoreAdditionalProjectFallbackFolders"] = forCheckout ? string.Empty : _realPackages,
            ["PATH"] = $"{Path.Combine(Home, ".dotnet", "tools")}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
            ["GIT_AUTHOR_NAME"] = "Repro Test",
            ["GIT_AUTHOR_EMAIL"] = "test@repro.invalid",
            ["GIT_COMMITTER_NAME"] = "Repro Test",
            ["GIT_COMMITTER_EMAIL"] = "test@repro.invalid",
        };
    }
}
