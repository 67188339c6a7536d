using Repro.Provenance;
using Repro.Runs;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Provenance;

/// <summary>The managed HEAD reader against git itself, and the run-start warnings built on it.</summary>
public class GitHeadTests
{
    [Fact]
    public void Head_matches_git_for_loose_and_packed_refs_detached_heads_and_worktrees()
    {
        using var repository = new TemporaryDirectory("repro-head");
        var root = repository.Path;
        Assert.Null(GitHead.Read(root));

        ChildProcess.Git(root, "init", "-q");
        Assert.Null(GitHead.Read(root)); // no commit yet
        File.WriteAllText(Path.Combine(root, "a.txt"), "a");
        ChildProcess.Git(root, "add", "-A");
        ChildProcess.Git(root, "commit", "-q", "-m", "a");
        Directory.CreateDirectory(Path.Combine(root, "src", "deep"));
        Assert.Equal(Head(root), GitHead.Read(Path.Combine(root, "src", "deep")));

        ChildProcess.Git(root, "pack-refs", "--all");
        Assert.Equal(Head(root), GitHead.Read(root));

        File.WriteAllText(Path.Combine(root, "b.txt"), "b");
        ChildProcess.Git(root, "add", "-A");
        ChildProcess.Git(root, "commit", "-q", "-m", "b");
        ChildProcess.Git(root, "checkout", "-q", "--detach", "HEAD~1");
        Assert.Equal(Head(root), GitHead.Read(root));

        using var trees = new TemporaryDirectory("repro-head-worktree");
        var worktree = Path.Combine(trees.Path, "wt");
        ChildProcess.Git(root, "worktree", "add", "-q", "-b", "side", worktree, "main");
        Assert.Equal(Head(worktree), GitHead.Read(worktree));
        Assert.NotEqual(GitHead.Read(root), GitHead.Read(worktree));
    }

    [Fact]
    public void A_dirty_build_and_a_working_tree_at_another_commit_are_warnings()
    {
        using var repository = new TemporaryDirectory("repro-head-warn");
        ChildProcess.Git(repository.Path, "init", "-q");
        File.WriteAllText(Path.Combine(repository.Path, "a.txt"), "a");
        ChildProcess.Git(repository.Path, "add", "-A");
        ChildProcess.Git(repository.Path, "commit", "-q", "-m", "a");
        var head = Head(repository.Path);

        Assert.Empty(Run.ProvenanceWarnings(new BuildStamp(true, head, false), repository.Path));

        var dirty = Run.ProvenanceWarnings(new BuildStamp(true, head, true) { PatchSha256 = "abc" }, repository.Path);
        Assert.Contains(dirty, warning => warning.Contains("uncommitted changes", StringComparison.Ordinal) && warning.Contains("abc", StringComparison.Ordinal));

        var moved = Run.ProvenanceWarnings(new BuildStamp(true, new string('1', 40), false), repository.Path);
        Assert.Contains(moved, warning => warning.Contains(head, StringComparison.Ordinal) && warning.Contains(new string('1', 40), StringComparison.Ordinal));

        Assert.Empty(Run.ProvenanceWarnings(BuildStamp.None, repository.Path));
    }

    private static string Head(string directory) => ChildProcess.Git(directory, "rev-parse", "HEAD").Output.Trim();
}
