using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage;

/// <summary>How the default home is found, and what a home that cannot be written produces.</summary>
[Collection(SequentialRuns.Name)]
public class ReproHomeTests
{
    [Fact]
    public void An_explicit_home_wins_and_says_so()
    {
        using var folder = new TemporaryDirectory();

        var location = ReproHome.Locate(Path.Combine(folder.Path, "mine"), startDirectory: folder.Path);

        Assert.Equal((Path.Combine(folder.Path, "mine"), "--home"), (location.Path, location.Source));
    }

    [SkippableFact]
    public void The_nearest_repro_folder_above_is_found_like_git_finds_its_folder()
    {
        Skip.If(Environment.GetEnvironmentVariable(ReproHome.EnvironmentVariable) is { Length: > 0 }, "REPRO_HOME is set here, and it wins by design.");
        using var folder = new TemporaryDirectory();
        var project = Directory.CreateDirectory(Path.Combine(folder.Path, "project", ".repro")).Parent!.FullName;
        var deep = Directory.CreateDirectory(Path.Combine(project, "src", "Trainer", "bin")).FullName;
        Directory.CreateDirectory(Path.Combine(folder.Path, ".git")); // a repository root further up loses to the nearer home

        var fromDeep = ReproHome.Locate(startDirectory: deep);
        var fromProject = ReproHome.Locate(startDirectory: project);

        Assert.Equal((Path.Combine(project, ".repro"), "found above the current folder"), (fromDeep.Path, fromDeep.Source));
        Assert.Equal((Path.Combine(project, ".repro"), "the current folder"), (fromProject.Path, fromProject.Source));
    }

    [SkippableFact]
    public void Without_a_home_anywhere_above_the_repository_root_gets_it_whether_git_is_a_folder_or_a_file()
    {
        Skip.If(Environment.GetEnvironmentVariable(ReproHome.EnvironmentVariable) is { Length: > 0 }, "REPRO_HOME is set here, and it wins by design.");
        using var folder = new TemporaryDirectory();
        var repository = Directory.CreateDirectory(Path.Combine(folder.Path, "repo")).FullName;
        Directory.CreateDirectory(Path.Combine(repository, ".git"));
        var worktree = Directory.CreateDirectory(Path.Combine(folder.Path, "worktree")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: ../repo/.git/worktrees/w\n");
        var outside = Directory.CreateDirectory(Path.Combine(folder.Path, "plain", "sub")).FullName;

        var inRepository = ReproHome.Locate(startDirectory: Directory.CreateDirectory(Path.Combine(repository, "src", "app")).FullName);
        var inWorktree = ReproHome.Locate(startDirectory: Directory.CreateDirectory(Path.Combine(worktree, "tools")).FullName);
        var elsewhere = ReproHome.Locate(startDirectory: outside);

        Assert.Equal((Path.Combine(repository, ".repro"), "the repository root"), (inRepository.Path, inRepository.Source));
        Assert.Equal(Path.Combine(worktree, ".repro"), inWorktree.Path);
        Assert.Equal((Path.Combine(outside, ".repro"), "the current folder"), (elsewhere.Path, elsewhere.Source));
    }

    [SkippableFact]
    public void Starting_a_run_in_a_home_that_cannot_be_written_throws_one_exception_naming_the_path_and_the_cause()
    {
        using var folder = new TemporaryDirectory();
        var home = Path.Combine(folder.Path, "home");
        using var readOnly = ReadOnlyFolder.Create(home);
        Skip.If(readOnly is null, ReadOnlyFolder.Unavailable);

        var error = Assert.Throws<ReproHomeException>(() => Run.Start(new RunOptions { Home = home, WarningsToStandardError = false }));

        Assert.StartsWith(Path.Combine(home, "runs"), error.Path, StringComparison.Ordinal);
        Assert.Matches("^Repro cannot write to .*: (permission denied|the file system is read-only)\\. Set REPRO_HOME", error.Message);
        Assert.Null(Run.Current);
    }

    [Fact]
    public void A_home_below_a_file_is_refused_with_the_cause_in_words()
    {
        using var folder = new TemporaryDirectory();
        var file = Path.Combine(folder.Path, "notes.txt");
        File.WriteAllText(file, "a file, not a folder");

        var error = Assert.Throws<ReproHomeException>(() => Run.Start(new RunOptions { Home = Path.Combine(file, "home"), WarningsToStandardError = false }));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("Set REPRO_HOME", error.Message, StringComparison.Ordinal);
    }
}
