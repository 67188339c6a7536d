using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Repro.Provenance;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// MSBuild task: finds the git files that change when HEAD, the index or a branch moves, reading only the file
/// system (no git process), so the stamp target can list them as inputs and be skipped when nothing changed.
/// </summary>
public sealed class LocateGitDirectory : Task
{
    /// <summary>Where to start looking (upwards).</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>Existing state files (HEAD, index, logs/HEAD, packed-refs, config); empty outside a repository.</summary>
    [Output]
    public ITaskItem[] StateFiles { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        StateFiles = GitDirectory.Find(ProjectDirectory)?.StateFiles
            .Where(System.IO.File.Exists)
            .Select(path => (ITaskItem)new TaskItem(path))
            .ToArray() ?? [];
        return true;
    }
}
