using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Repro.Build.Tasks.Stamping;
using Repro.Security;

namespace Repro.Build.Tasks.Provenance;

/// <summary>
/// MSBuild task: records where a build came from — git state and uncommitted patch, NuGet lock files and
/// resolved packages, SDK, target, configuration, OS, CI run — as <c>&lt;assembly&gt;.provenance.json</c> and as
/// generated assembly attributes. Files are rewritten only when their content changes, so an unchanged stamp never
/// triggers a recompile. Outside a git repository it warns (REPRO4001) and the build goes on.
/// </summary>
public sealed class StampProvenance : Task
{
    /// <summary>The project folder; its repository is the one read.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The assembly name, recorded and used in messages.</summary>
    [Required]
    public string AssemblyName { get; set; } = string.Empty;

    /// <summary>Where to write the provenance JSON.</summary>
    [Required]
    public string ProvenanceFile { get; set; } = string.Empty;

    /// <summary>Where to write the generated C# attributes; empty for none (non-C# projects).</summary>
    public string AttributesFile { get; set; } = string.Empty;

    /// <summary>The manifest resource name the JSON is embedded under, named in the attributes.</summary>
    public string ResourceName { get; set; } = "Repro.provenance.json";

    /// <summary>Where to write the uncommitted patch when the tree is dirty (deleted when clean).</summary>
    [Required]
    public string PatchFile { get; set; } = string.Empty;

    /// <summary>Largest patch written, in bytes; a larger one is hashed and described but not written.</summary>
    public long PatchSizeLimit { get; set; } = 1024 * 1024;

    /// <summary>The NuGet lock files to hash (missing ones are skipped).</summary>
    public ITaskItem[] LockFiles { get; set; } = [];

    /// <summary>project.assets.json, for the resolved package list.</summary>
    public string? ProjectAssetsFile { get; set; }

    /// <summary>Build settings recorded as given.</summary>
    public string? Configuration { get; set; }

    /// <inheritdoc cref="Configuration"/>
    public string? TargetFramework { get; set; }

    /// <inheritdoc cref="Configuration"/>
    public string? RuntimeIdentifier { get; set; }

    /// <inheritdoc cref="Configuration"/>
    public string? SdkVersion { get; set; }

    /// <summary>The .NET runtime version the SDK builds for (<c>$(BundledNETCoreAppPackageVersion)</c>).</summary>
    public string? RuntimeVersion { get; set; }

    /// <summary>Nerdbank.GitVersioning's version of this build, when that package is in it.</summary>
    public string? NerdbankVersion { get; set; }

    /// <summary>Record the build time too (off by default: it makes every build's output different).</summary>
    public bool IncludeBuildTime { get; set; }

    /// <summary>HEAD's commit; empty outside a repository.</summary>
    [Output]
    public string Commit { get; private set; } = string.Empty;

    /// <summary><c>true</c>, <c>false</c>, or empty outside a repository.</summary>
    [Output]
    public string Dirty { get; private set; } = string.Empty;

    /// <inheritdoc />
    public override bool Execute()
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PatchFile))!);
        var git = GitState.Read(ProjectDirectory, PatchSizeLimit);
        if (!git.Available)
        {
            Log.LogWarning(
                null, "REPRO4001", null, null, 0, 0, 0, 0,
                $"Repro: {ProjectDirectory} is not in a git repository with a commit (or git is not installed); {AssemblyName} is stamped without a commit.");
        }

        var root = git.WorkTree ?? ProjectDirectory;
        var document = new ProvenanceDocument
        {
            AssemblyName = AssemblyName,
            Configuration = Configuration,
            TargetFramework = TargetFramework,
            RuntimeIdentifier = RuntimeIdentifier,
            SdkVersion = SdkVersion,
            RuntimeVersion = RuntimeVersion,
            OperatingSystem = RuntimeInformation.OSDescription.Trim(),
            NerdbankVersion = NerdbankVersion,
            BuildTime = IncludeBuildTime ? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) : null,
            Ci = ContinuousIntegration.Detect(Environment.GetEnvironmentVariable),
            Git = git,
            LockFiles = PackageInventory.HashLockFiles(LockFiles.Select(item => item.GetMetadata("FullPath")), root),
            Packages = PackageInventory.ResolvedPackages(ProjectAssetsFile),
        };

        WritePatch(git, document);
        WriteIfChanged(ProvenanceFile, document.ToJson());
        if (!string.IsNullOrEmpty(AttributesFile))
        {
            WriteIfChanged(AttributesFile, Encoding.UTF8.GetBytes(document.ToAssemblyAttributes(ResourceName)));
        }

        Commit = git.Commit ?? string.Empty;
        Dirty = git.Available ? (git.Dirty ? "true" : "false") : string.Empty;
        Log.LogMessage(MessageImportance.Low, $"Repro: stamped {AssemblyName} with commit {Commit}, dirty={Dirty}.");
        return true;
    }

    private void WritePatch(GitState git, ProvenanceDocument document)
    {
        if (!git.Dirty)
        {
            File.Delete(PatchFile);
            return;
        }

        if (git.Patch is null)
        {
            File.Delete(PatchFile);
            document.PatchNote = $"The uncommitted patch is {git.PatchLength} bytes, more than ReproPatchSizeLimit ({PatchSizeLimit} bytes): it is hashed but not written.";
            Log.LogMessage(MessageImportance.High, $"Repro: {document.PatchNote}");
            return;
        }

        // The hash is of the real patch; the written file is git's bytes exactly unless secrets or binary hunks
        // had to be taken out, and then its own hash is recorded beside the real one.
        var (written, binaryOmitted, redacted) = WrittenPatch.From(git.Patch);
        if (redacted || binaryOmitted)
        {
            document.PatchNote = (redacted ? "Secrets in the patch were redacted in the written file. " : string.Empty)
                + (binaryOmitted ? "Binary hunks were left out of the written file. " : string.Empty)
                + "sha256 is of the real patch; writtenSha256 of the file.";
            document.WrittenPatchSha256 = GitState.Hex(GitState.Sha256(written));
        }

        OwnerOnly.WriteIfChanged(PatchFile, written);
        document.PatchFile = Path.GetFileName(PatchFile);
    }

    private static void WriteIfChanged(string path, byte[] content) => OwnerOnly.WriteIfChanged(path, content);
}
