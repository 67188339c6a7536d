using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// MSBuild task: reads the git commit and whether the working tree is dirty (untracked, not
/// ignored files included) for the project directory. Outside a repository it warns and outputs
/// an empty commit; it never fails the build.
/// </summary>
public sealed class StampGitInfo : Task
{
    /// <summary>The directory whose repository is read.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The full SHA of HEAD; empty outside a repository or before the first commit.</summary>
    [Output]
    public string Commit { get; private set; } = string.Empty;

    /// <summary><c>true</c> when tracked files differ from HEAD or untracked files exist; else <c>false</c>.</summary>
    [Output]
    public string Dirty { get; private set; } = "false";

    /// <inheritdoc />
    public override bool Execute()
    {
        var head = GitProcess.Run(ProjectDirectory, "rev-parse", "--verify", "HEAD");
        if (head is null)
        {
            Log.LogWarning(
                null, "REPRO4001", null, null, 0, 0, 0, 0,
                $"Repro: {ProjectDirectory} is not in a git repository with a commit (or git is not installed); the build is stamped without a commit.");
            return true;
        }

        Commit = head.Trim();
        var status = GitProcess.Run(ProjectDirectory, "status", "--porcelain=v1", "--untracked-files=normal");
        Dirty = status is null || status.Trim().Length > 0 ? "true" : "false";
        Log.LogMessage(MessageImportance.Low, $"Repro: stamped commit {Commit}, dirty={Dirty}.");
        return true;
    }
}
