using System.Security.Cryptography;
using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.Build.Tasks.Tests.Provenance;

/// <summary>
/// The stamp never lies: it follows the whole working tree (also files MSBuild never sees), and the patch it
/// writes is git's bytes exactly, or says how and why it differs.
/// </summary>
public class StampTruthTests
{
    private const string Program = "System.Console.WriteLine(\"hello\");\n";

    [Fact]
    public void Changes_outside_the_projects_inputs_make_the_rebuilt_stamp_dirty_each_time_with_a_new_patch_hash()
    {
        // prep/ is outside the project's items, like a data-preparation script or a sibling project.
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports + "<PropertyGroup><DefaultItemExcludes>$(DefaultItemExcludes);prep/**</DefaultItemExcludes></PropertyGroup>");
        project.Write("Program.cs", Program);
        project.Write("prep/prepare.py", "rows = load()\n");
        project.InitGitAndCommit();
        project.Build().EnsureSuccess("clean build");
        Assert.False(Patch(project).Dirty);

        project.Write("prep/prepare.py", "rows = load()[:100]\n");
        project.Build().EnsureSuccess("after editing a tracked file outside the inputs");
        var first = Patch(project);
        Assert.True(first.Dirty);
        Assert.Contains("prepare.py", File.ReadAllText(PatchFile(project)), StringComparison.Ordinal);

        project.Write("prep/prepare.py", "rows = load()[:200]\n");
        project.Build().EnsureSuccess("after editing the same file again");
        var second = Patch(project);
        Assert.True(second.Dirty);
        Assert.NotEqual(first.Sha256, second.Sha256);

        project.Write("prep/split.csv", "id\n1\n");
        project.Build().EnsureSuccess("after adding an untracked file outside the inputs");
        var third = Patch(project);
        Assert.NotEqual(second.Sha256, third.Sha256);
        Assert.Contains("split.csv", File.ReadAllText(PatchFile(project)), StringComparison.Ordinal);

        ChildProcess.Git(project.Directory, "checkout", "--", "prep/prepare.py");
        File.Delete(Path.Combine(project.Directory, "prep", "split.csv"));
        project.Build().EnsureSuccess("after reverting");
        Assert.False(Patch(project).Dirty);
        Assert.False(File.Exists(PatchFile(project)));
    }

    [Fact]
    public void A_patch_with_bytes_that_are_not_utf8_is_written_byte_for_byte_and_matches_its_hash()
    {
        using var project = NewRepository();
        project.Write("labels.txt", "plain\n");
        project.Commit("labels");
        // Latin-1 "café" and a lone continuation byte: not UTF-8, still text to git (no NUL).
        File.WriteAllBytes(Path.Combine(project.Directory, "labels.txt"), [.. "caf"u8, 0xE9, (byte)'\n', 0x80, (byte)'\n']);

        project.Build().EnsureSuccess("dotnet build");
        var patch = ReadProvenance(project).GetProperty("git").GetProperty("patch");
        var written = File.ReadAllBytes(PatchFile(project));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written)), patch.GetProperty("sha256").GetString());
        Assert.Equal(JsonValueKind.Null, patch.GetProperty("writtenSha256").ValueKind);
        Assert.True(written.AsSpan().IndexOf([(byte)'c', (byte)'a', (byte)'f', (byte)0xE9]) >= 0, "the Latin-1 bytes are in the written patch unchanged");
    }

    [Fact]
    public void Binary_hunks_are_left_out_of_the_written_patch_and_both_hashes_are_recorded()
    {
        using var project = NewRepository();
        byte[] model = [0, 1, 2, 0, .. "password=hunter2-in-a-binary"u8, 0, 255];
        File.WriteAllBytes(Path.Combine(project.Directory, "weights.bin"), model);
        project.Write("notes.txt", "api_key=PlainNotesKeyValue\n");

        project.Build().EnsureSuccess("dotnet build");
        var patch = ReadProvenance(project).GetProperty("git").GetProperty("patch");
        var written = File.ReadAllBytes(PatchFile(project));
        var text = System.Text.Encoding.Latin1.GetString(written);

        Assert.DoesNotContain("GIT binary patch", text, StringComparison.Ordinal);
        Assert.Contains("binary content left out", text, StringComparison.Ordinal);
        Assert.Contains("weights.bin", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PlainNotesKeyValue", text, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written)), patch.GetProperty("writtenSha256").GetString());
        Assert.NotEqual(patch.GetProperty("sha256").GetString(), patch.GetProperty("writtenSha256").GetString());
        Assert.Contains("Binary hunks", patch.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Every_file_the_stamp_writes_is_owner_only()
    {
        using var project = NewRepository();
        project.Write("Program.cs", Program + "// dirty\n");

        project.Build().EnsureSuccess("dotnet build");

        var stampDirectory = Path.Combine(project.Directory, "obj", "Debug", "net10.0", "repro");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(stampDirectory));
        var files = Directory.GetFiles(stampDirectory).Append(project.ProvenanceFile).Append(PatchFile(project)).ToList();
        Assert.Contains(files, f => f.EndsWith(".provenance.patch", StringComparison.Ordinal));
        foreach (var file in files)
        {
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is {File.GetUnixFileMode(file)}");
        }
    }

    private static (bool Dirty, string? Sha256) Patch(ScratchProject project)
    {
        var git = ReadProvenance(project).GetProperty("git");
        var dirty = git.GetProperty("dirty").GetBoolean();
        return (dirty, dirty ? git.GetProperty("patch").GetProperty("sha256").GetString() : null);
    }

    private static string PatchFile(ScratchProject project) => Path.ChangeExtension(project.OutputAssembly, ".provenance.patch");

    private static ScratchProject NewRepository()
    {
        var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", Program);
        project.InitGitAndCommit();
        return project;
    }

    private static JsonElement ReadProvenance(ScratchProject project)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(project.ProvenanceFile));
        return document.RootElement.Clone();
    }
}
