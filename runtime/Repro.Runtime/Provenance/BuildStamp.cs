using System.Reflection;

namespace Repro.Provenance;

/// <summary>
/// What the Repro MSBuild targets stamped into an assembly at build time.
/// </summary>
/// <param name="Stamped">Whether the assembly carries a Repro stamp at all.</param>
/// <param name="Commit">The git commit the assembly was built from; null outside a git repository.</param>
/// <param name="Dirty">Whether the working tree had uncommitted changes (untracked files included).</param>
public sealed record BuildStamp(bool Stamped, string? Commit, bool? Dirty)
{
    /// <summary>Assembly metadata key of the commit SHA.</summary>
    public const string CommitKey = "Repro.Build.Commit";

    /// <summary>Assembly metadata key of the dirty flag (<c>true</c> / <c>false</c>).</summary>
    public const string DirtyKey = "Repro.Build.Dirty";

    /// <summary>The stamp of an assembly built without Repro's targets.</summary>
    public static BuildStamp None { get; } = new(false, null, null);

    /// <summary>Reads the stamp from <paramref name="assembly"/>'s <see cref="AssemblyMetadataAttribute"/>s.</summary>
    public static BuildStamp Read(Assembly? assembly)
    {
        if (assembly is null)
        {
            return None;
        }

        string? commit = null;
        bool? dirty = null;
        var found = false;
        foreach (var attribute in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            switch (attribute.Key)
            {
                case CommitKey:
                    found = true;
                    commit = string.IsNullOrEmpty(attribute.Value) ? null : attribute.Value;
                    break;
                case DirtyKey:
                    found = true;
                    dirty = bool.TryParse(attribute.Value, out var value) ? value : null;
                    break;
            }
        }

        return found ? new BuildStamp(true, commit, dirty) : None;
    }
}
