using System.Reflection;
using System.Text.Json;

namespace Repro.Provenance;

/// <summary>
/// What the Repro MSBuild targets stamped into an assembly at build time: commit, dirty flag, branch and patch hash
/// as <see cref="AssemblyMetadataAttribute"/>s, and the whole provenance document as the embedded resource
/// <see cref="ResourceName"/> (docs/formats/provenance.md).
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

    /// <summary>Assembly metadata key of the branch (empty when HEAD was detached).</summary>
    public const string BranchKey = "Repro.Build.Branch";

    /// <summary>Assembly metadata key of the uncommitted patch's SHA-256.</summary>
    public const string PatchKey = "Repro.Build.PatchSha256";

    /// <summary>The manifest resource holding the provenance JSON.</summary>
    public const string ResourceName = "Repro.provenance.json";

    /// <summary>The stamp of an assembly built without Repro's targets.</summary>
    public static BuildStamp None { get; } = new(false, null, null);

    /// <summary>The assembly's simple name.</summary>
    public string? Assembly { get; init; }

    /// <summary>The branch built from; null when HEAD was detached or unknown.</summary>
    public string? Branch { get; init; }

    /// <summary>SHA-256 of the uncommitted patch (untracked files included); null when clean.</summary>
    public string? PatchSha256 { get; init; }

    /// <summary>The full provenance document (git, packages, SDK, CI run), when the assembly embeds one.</summary>
    public JsonElement? Provenance { get; init; }

    /// <summary>Reads the stamp from <paramref name="assembly"/>'s metadata attributes and embedded provenance.</summary>
    /// <exception cref="InvalidDataException">The embedded provenance is not valid JSON.</exception>
    public static BuildStamp Read(Assembly? assembly)
    {
        if (assembly is null)
        {
            return None;
        }

        string? commit = null;
        string? branch = null;
        string? patch = null;
        bool? dirty = null;
        var found = false;
        foreach (var attribute in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            switch (attribute.Key)
            {
                case CommitKey:
                    found = true;
                    commit = Empty(attribute.Value);
                    break;
                case DirtyKey:
                    found = true;
                    dirty = bool.TryParse(attribute.Value, out var value) ? value : null;
                    break;
                case BranchKey:
                    branch = Empty(attribute.Value);
                    break;
                case PatchKey:
                    patch = Empty(attribute.Value);
                    break;
            }
        }

        var provenance = ReadProvenance(assembly);
        return found || provenance is not null
            ? new BuildStamp(true, commit, dirty) { Assembly = assembly.GetName().Name, Branch = branch, PatchSha256 = patch, Provenance = provenance }
            : None;
    }

    /// <summary>The stamps of the assemblies <paramref name="assembly"/> references that carry one, sorted by name, without their full documents.</summary>
    public static IReadOnlyList<BuildStamp> ReadReferenced(Assembly? assembly)
    {
        if (assembly is null)
        {
            return [];
        }

        var stamps = new List<BuildStamp>();
        foreach (var name in assembly.GetReferencedAssemblies().OrderBy(name => name.Name, StringComparer.Ordinal))
        {
            try
            {
                var stamp = Read(System.Reflection.Assembly.Load(name));
                if (stamp.Stamped)
                {
                    stamps.Add(stamp with { Provenance = null });
                }
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // A reference the program never ships (trimmed, optional) carries no stamp to read.
            }
        }

        return stamps;
    }

    /// <summary>Parses a provenance document read from a file or another assembly.</summary>
    /// <exception cref="InvalidDataException">The text is not valid JSON.</exception>
    public static JsonElement ParseProvenance(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var document = JsonDocument.Parse(stream);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the provenance document is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement? ReadProvenance(Assembly assembly)
    {
        if (assembly.IsDynamic)
        {
            return null; // no manifest resources, and asking throws
        }

        using var stream = assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? null : ParseProvenance(stream, $"{assembly.GetName().Name}!{ResourceName}");
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
