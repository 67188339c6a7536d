using System.IO;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Repro.Build.Tasks.Stamping;

/// <summary>MSBuild task: makes files the stamp put beside the build (copied by MSBuild's Copy, created with the umask) owner-only.</summary>
public sealed class RestrictToOwner : Task
{
    /// <summary>The files; missing ones are skipped.</summary>
    public ITaskItem[] Files { get; set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (var file in Files)
        {
            var path = file.GetMetadata("FullPath");
            if (File.Exists(path))
            {
                OwnerOnly.Restrict(path);
            }
        }

        return true;
    }
}
