using System.Security.Cryptography;
using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.Build.Tasks.Tests.Provenance;

/// <summary>
/// Real `dotnet build` runs of scratch projects in temporary git repositories (CI variables stripped), each value
/// of the provenance file compared with what git itself reports.
/// </summary>
public class ProvenanceBuildTests
{
    private const string Program = "System.Console.WriteLine(\"hello\");\n";

    [Fact]
    public void A_clean_build_records_what_git_reports()
    {
        using var project = NewRepository();
        ChildProcess.Git(project.Directory, "remote", "add", "origin", "https://builder:ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/org/model.git");

        project.Build().EnsureSuccess("dotnet build");
        var git = ReadProvenance(project).GetProperty("git");

        Assert.True(git.GetProperty("available").GetBoolean());
        Assert.Equal(Git(project, "rev-parse", "HEAD"), git.GetProperty("commit").GetString());
        Assert.Equal(Git(project, "symbolic-ref", "--short", "HEAD"), git.GetProperty("branch").GetString());
        Assert.Equal(Git(project, "show", "-s", "--format=%cI", "HEAD"), git.GetProperty("commitTime").GetString());
        Assert.False(git.GetProperty("detached").GetBoolean());
        Assert.False(git.GetProperty("dirty").GetBoolean());
        Assert.Equal(JsonValueKind.Null, git.GetProperty("patch").ValueKind);
        Assert.False(git.GetProperty("shallow").GetBoolean());
        Assert.False(git.GetProperty("linkedWorktree").GetBoolean());
        Assert.False(git.GetProperty("submodule").GetBoolean());
        Assert.Equal("https://github.com/org/model.git", git.GetProperty("remoteUrl").GetString());
        Assert.DoesNotContain("ghp_", File.ReadAllText(project.ProvenanceFile), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.ChangeExtension(project.OutputAssembly, ".provenance.patch")));
    }

    [Fact]
    public void Build_settings_lock_files_and_packages_are_recorded()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports + """
              <PropertyGroup><RestorePackagesWithLockFile>true</RestorePackagesWithLockFile></PropertyGroup>
              <ItemGroup><PackageReference Include="Ulid" Version="1.4.1" /></ItemGroup>
            """);
        project.Write("Program.cs", Program);
        project.InitGitAndCommit();
        project.Build().EnsureSuccess("dotnet build");
        project.Commit("lock file");
        project.Build().EnsureSuccess("dotnet build");

        var provenance = ReadProvenance(project);
        var build = provenance.GetProperty("build");
        Assert.Equal("Debug", build.GetProperty("configuration").GetString());
        Assert.Equal("net10.0", build.GetProperty("targetFramework").GetString());
        Assert.Equal(ChildProcess.Dotnet(project.Directory, "--version").EnsureSuccess("dotnet --version").Output.Trim(), build.GetProperty("sdkVersion").GetString());
        Assert.Equal(JsonValueKind.Null, build.GetProperty("time").ValueKind);
        var runtimes = ChildProcess.Dotnet(project.Directory, "--list-runtimes").EnsureSuccess("dotnet --list-runtimes").Output;
        Assert.Contains($"Microsoft.NETCore.App {build.GetProperty("runtimeVersion").GetString()} ", runtimes, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, provenance.GetProperty("ci").ValueKind);
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(project.Directory, "packages.lock.json"))));
        Assert.Equal(lockHash, provenance.GetProperty("packages").GetProperty("lockFiles").GetProperty("packages.lock.json").GetString());
        Assert.Contains("Ulid/1.4.1", provenance.GetProperty("packages").GetProperty("resolved").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Uncommitted_changes_and_untracked_files_make_a_patch_that_git_can_apply()
    {
        using var project = NewRepository();
        project.Write("Program.cs", Program + "// tuned the learning rate\n");
        project.Write("data/new-split.csv", "id,label\n1,cat\n");

        project.Build().EnsureSuccess("dotnet build");
        var git = ReadProvenance(project).GetProperty("git");
        var patchFile = Path.ChangeExtension(project.OutputAssembly, ".provenance.patch");

        Assert.True(git.GetProperty("dirty").GetBoolean());
        var patch = File.ReadAllBytes(patchFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(patch)), git.GetProperty("patch").GetProperty("sha256").GetString());
        Assert.Equal(patch.Length, git.GetProperty("patch").GetProperty("bytes").GetInt32());
        Assert.Contains("data/new-split.csv", File.ReadAllText(patchFile), StringComparison.Ordinal);

        // The patch recreates the working tree from the commit: apply it to a fresh checkout of HEAD.
        using var checkout = new TemporaryDirectory("repro-apply");
        ChildProcess.Git(checkout.Path, "clone", "-q", project.Directory, "tree");
        var tree = Path.Combine(checkout.Path, "tree");
        ChildProcess.Git(tree, "apply", "--binary", patchFile);
        Assert.Equal(File.ReadAllText(Path.Combine(project.Directory, "Program.cs")), File.ReadAllText(Path.Combine(tree, "Program.cs")));
        Assert.Equal(File.ReadAllText(Path.Combine(project.Directory, "data", "new-split.csv")), File.ReadAllText(Path.Combine(tree, "data", "new-split.csv")));

        // Committing makes the tree clean again and the stale patch disappears from the output.
        project.Commit("tuned");
        project.Build().EnsureSuccess("dotnet build");
        Assert.False(ReadProvenance(project).GetProperty("git").GetProperty("dirty").GetBoolean());
        Assert.False(File.Exists(patchFile));
    }

    [Fact]
    public void A_patch_over_the_size_limit_is_hashed_and_described_but_not_written()
    {
        using var project = NewRepository();
        project.Write("big.txt", new string('x', 4096));

        project.Build("ReproPatchSizeLimit=100").EnsureSuccess("dotnet build");
        var patch = ReadProvenance(project).GetProperty("git").GetProperty("patch");

        Assert.Equal(64, patch.GetProperty("sha256").GetString()!.Length);
        Assert.True(patch.GetProperty("bytes").GetInt32() > 4096);
        Assert.Equal(JsonValueKind.Null, patch.GetProperty("file").ValueKind);
        Assert.Contains("ReproPatchSizeLimit", patch.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.ChangeExtension(project.OutputAssembly, ".provenance.patch")));
    }

    [Fact]
    public void Detached_head_and_packed_refs_are_read_correctly()
    {
        using var project = NewRepository();
        project.Write("second.txt", "more");
        project.Commit("second");
        var first = Git(project, "rev-parse", "HEAD~1");
        ChildProcess.Git(project.Directory, "pack-refs", "--all");
        ChildProcess.Git(project.Directory, "checkout", "-q", "--detach", first);

        project.Build().EnsureSuccess("dotnet build");
        var git = ReadProvenance(project).GetProperty("git");

        Assert.Equal(first, git.GetProperty("commit").GetString());
        Assert.True(git.GetProperty("detached").GetBoolean());
        Assert.Equal(JsonValueKind.Null, git.GetProperty("branch").ValueKind);

        ChildProcess.Git(project.Directory, "checkout", "-q", "main");
        Assert.False(File.Exists(Path.Combine(project.Directory, ".git", "refs", "heads", "main")), "the branch should live only in packed-refs");
        project.Build().EnsureSuccess("dotnet build");
        git = ReadProvenance(project).GetProperty("git");
        Assert.Equal(Git(project, "rev-parse", "HEAD"), git.GetProperty("commit").GetString());
        Assert.Equal("main", git.GetProperty("branch").GetString());
    }

    [Fact]
    public void A_shallow_clone_is_recorded_as_shallow()
    {
        using var origin = NewRepository();
        origin.Write("second.txt", "more");
        origin.Commit("second");
        using var clones = new TemporaryDirectory("repro-shallow");
        ChildProcess.Git(clones.Path, "clone", "-q", "--depth", "1", "file://" + origin.Directory, "clone");
        var clone = Path.Combine(clones.Path, "clone");

        ChildProcess.Dotnet(clone, "build", "-nologo").EnsureSuccess("dotnet build");
        var git = ReadJson(Path.Combine(clone, "bin", "Debug", "net10.0", "Scratch.provenance.json")).GetProperty("git");

        Assert.True(git.GetProperty("shallow").GetBoolean());
        Assert.Equal(Git(origin, "rev-parse", "HEAD"), git.GetProperty("commit").GetString());
        Assert.False(git.GetProperty("dirty").GetBoolean());
    }

    [Fact]
    public void A_linked_worktree_is_read_from_its_own_head()
    {
        using var project = NewRepository();
        using var trees = new TemporaryDirectory("repro-worktree");
        var worktree = Path.Combine(trees.Path, "experiment");
        ChildProcess.Git(project.Directory, "worktree", "add", "-q", "-b", "experiment", worktree);
        File.AppendAllText(Path.Combine(worktree, "Program.cs"), "// experiment\n");
        ChildProcess.Git(worktree, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-am", "experiment");

        ChildProcess.Dotnet(worktree, "build", "-nologo").EnsureSuccess("dotnet build");
        var git = ReadJson(Path.Combine(worktree, "bin", "Debug", "net10.0", "Scratch.provenance.json")).GetProperty("git");

        Assert.True(git.GetProperty("linkedWorktree").GetBoolean());
        Assert.Equal("experiment", git.GetProperty("branch").GetString());
        Assert.Equal(ChildProcess.Git(worktree, "rev-parse", "HEAD").Output.Trim(), git.GetProperty("commit").GetString());
        Assert.NotEqual(Git(project, "rev-parse", "HEAD"), git.GetProperty("commit").GetString());
        Assert.False(git.GetProperty("dirty").GetBoolean());
    }

    [Fact]
    public void A_project_inside_a_submodule_records_the_submodule_commit()
    {
        using var library = NewRepository();
        using var super = new TemporaryDirectory("repro-super");
        ChildProcess.Git(super.Path, "init", "-q");
        ChildProcess.Git(super.Path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", library.Directory, "model");
        ChildProcess.Git(super.Path, "commit", "-q", "-m", "add model");
        var module = Path.Combine(super.Path, "model");

        ChildProcess.Dotnet(module, "build", "-nologo").EnsureSuccess("dotnet build");
        var git = ReadJson(Path.Combine(module, "bin", "Debug", "net10.0", "Scratch.provenance.json")).GetProperty("git");

        Assert.True(git.GetProperty("submodule").GetBoolean());
        Assert.Equal(Git(library, "rev-parse", "HEAD"), git.GetProperty("commit").GetString());
        Assert.False(git.GetProperty("dirty").GetBoolean());
    }

    [Fact]
    public void Outside_a_repository_the_provenance_says_so()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", Program);

        var build = project.Build().EnsureSuccess("dotnet build");

        Assert.Contains("warning REPRO4001", build.Output, StringComparison.Ordinal);
        var git = ReadProvenance(project).GetProperty("git");
        Assert.False(git.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, git.GetProperty("commit").ValueKind);
    }

    [Theory]
    [InlineData("GITHUB_ACTIONS=true;GITHUB_SERVER_URL=https://github.com;GITHUB_REPOSITORY=org/model;GITHUB_RUN_ID=42;GITHUB_RUN_ATTEMPT=2", "GitHub Actions", "https://github.com/org/model/actions/runs/42/attempts/2")]
    [InlineData("TF_BUILD=True;SYSTEM_COLLECTIONURI=https://dev.azure.com/org/;SYSTEM_TEAMPROJECT=Vision;BUILD_BUILDID=7", "Azure Pipelines", "https://dev.azure.com/org/Vision/_build/results?buildId=7")]
    [InlineData("GITLAB_CI=true;CI_JOB_URL=https://gitlab.com/org/model/-/jobs/9;CI_JOB_ID=9", "GitLab CI", "https://gitlab.com/org/model/-/jobs/9")]
    [InlineData("JENKINS_URL=https://ci.example.com/;BUILD_URL=https://ci.example.com/job/model/5/;BUILD_TAG=jenkins-model-5", "Jenkins", "https://ci.example.com/job/model/5/")]
    [InlineData("BUILDKITE=true;BUILDKITE_BUILD_URL=https://buildkite.com/org/model/builds/3;BUILDKITE_BUILD_ID=abc", "Buildkite", "https://buildkite.com/org/model/builds/3")]
    [InlineData("TEAMCITY_VERSION=2024.1;BUILD_NUMBER=88", "TeamCity", null)]
    public void The_ci_provider_and_run_are_recorded(string variables, string provider, string? runUrl)
    {
        using var project = NewRepository();
        var environment = variables.Split(';').Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);

        project.BuildWith(environment).EnsureSuccess("dotnet build");
        var ci = ReadProvenance(project).GetProperty("ci");

        Assert.Equal(provider, ci.GetProperty("provider").GetString());
        Assert.Equal(runUrl, ci.GetProperty("runUrl").GetString());
    }

    [Fact]
    public void Two_clean_builds_of_the_same_commit_are_byte_identical_and_a_no_change_rebuild_skips_the_stamp()
    {
        using var project = NewRepository();

        project.Build().EnsureSuccess("first build");
        var assembly = File.ReadAllBytes(project.OutputAssembly);
        var provenance = File.ReadAllBytes(project.ProvenanceFile);
        var stampedAt = File.GetLastWriteTimeUtc(project.ProvenanceFile);

        var rebuild = ChildProcess.Dotnet(project.Directory, "build", "-nologo", "-v:d").EnsureSuccess("no-change rebuild");
        Assert.Contains("Skipping target \"ReproStampBuild\" because all output files are up-to-date", rebuild.Output, StringComparison.Ordinal);
        Assert.Equal(stampedAt, File.GetLastWriteTimeUtc(project.ProvenanceFile));

        Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
        Directory.Delete(Path.Combine(project.Directory, "obj"), recursive: true);
        project.Build().EnsureSuccess("clean build");
        Assert.Equal(assembly, File.ReadAllBytes(project.OutputAssembly));
        Assert.Equal(provenance, File.ReadAllBytes(project.ProvenanceFile));
    }

    [Fact]
    public void Publishing_carries_the_provenance_file()
    {
        using var project = NewRepository();
        var publish = Path.Combine(project.Directory, "published");

        ChildProcess.Dotnet(project.Directory, "publish", "-nologo", "-o", publish).EnsureSuccess("dotnet publish");

        var published = ReadJson(Path.Combine(publish, "Scratch.provenance.json"));
        Assert.Equal(Git(project, "rev-parse", "HEAD"), published.GetProperty("git").GetProperty("commit").GetString());
    }

    private static ScratchProject NewRepository()
    {
        var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", Program);
        project.InitGitAndCommit();
        return project;
    }

    private static string Git(ScratchProject project, params string[] arguments) => ChildProcess.Git(project.Directory, arguments).Output.Trim();

    private static JsonElement ReadProvenance(ScratchProject project) => ReadJson(project.ProvenanceFile);

    private static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
