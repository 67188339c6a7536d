using System.Text.RegularExpressions;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// The versions `dotnet pack` gives Repro's packages (Directory.Build.targets), checked in a scratch repository
/// that imports that file: a commit's version is plain; a working tree with uncommitted changes adds the hash of
/// its content, so a changed tree can never be packed under a version the NuGet cache already holds.
/// </summary>
public sealed partial class PackageVersionTests
{
    [Fact]
    public void Uncommitted_changes_add_the_hash_of_the_working_tree_and_the_same_content_gives_the_same_version()
    {
        using var repository = ScratchRepository();
        var committed = PackageVersion(repository.Path);
        Assert.Matches(PlainVersion(), committed);

        // A staged change stays staged: the hash comes from a private index.
        File.WriteAllText(repository.Combine("staged.txt"), "staged\n");
        ChildProcess.Git(repository.Path, "add", "staged.txt");
        File.WriteAllText(repository.Combine("notes.txt"), "first\n");
        var first = PackageVersion(repository.Path);
        Assert.StartsWith(committed + ".dirty-", first, StringComparison.Ordinal);
        Assert.Equal("staged.txt", ChildProcess.Git(repository.Path, "diff", "--cached", "--name-only").Output.Trim());
        Assert.Equal(first, PackageVersion(repository.Path));

        File.WriteAllText(repository.Combine("notes.txt"), "second\n");
        var second = PackageVersion(repository.Path);
        Assert.NotEqual(first, second);
        Assert.StartsWith(committed + ".dirty-", second, StringComparison.Ordinal);

        // Ignored files are not content of the tree; putting the content back gives the first version back.
        File.WriteAllText(repository.Combine("build.log"), "ignored\n");
        File.WriteAllText(repository.Combine("notes.txt"), "first\n");
        Assert.Equal(first, PackageVersion(repository.Path));

        // The hash is the tree the commit of exactly that content has; once committed, the version is plain again.
        ChildProcess.Git(repository.Path, "add", "-A");
        ChildProcess.Git(repository.Path, "commit", "-q", "-m", "notes");
        var tree = ChildProcess.Git(repository.Path, "rev-parse", "HEAD^{tree}").Output.Trim();
        Assert.EndsWith(".dirty-" + tree[..12], first, StringComparison.Ordinal);
        var next = PackageVersion(repository.Path);
        Assert.Matches(PlainVersion(), next);
        Assert.NotEqual(committed, next);
    }

    [Fact]
    public void A_pack_from_a_changed_tree_names_the_hashed_version_in_the_package_and_says_so()
    {
        using var repository = ScratchRepository();
        File.WriteAllText(repository.Combine("notes.txt"), "uncommitted\n");
        var version = PackageVersion(repository.Path);

        var pack = ChildProcess.Dotnet(repository.Path, "pack", "Lib.csproj", "-o", repository.Combine("feed"), "-nologo").EnsureSuccess("dotnet pack");
        Assert.True(File.Exists(repository.Combine("feed", $"Lib.{version}.nupkg")), pack.Output);
        Assert.Contains($"Lib {version}: packed from uncommitted changes", pack.Output, StringComparison.Ordinal);
    }

    /// <summary>A committed class library versioned by Nerdbank.GitVersioning that imports the repository's targets.</summary>
    private static TemporaryDirectory ScratchRepository()
    {
        var repository = new TemporaryDirectory("repro-version");
        File.WriteAllText(repository.Combine("version.json"), """{ "version": "1.2-beta", "publicReleaseRefSpec": [ "^refs/heads/main$" ] }""");
        File.WriteAllText(repository.Combine("Directory.Build.props"), "<Project><PropertyGroup><ReproRepoRoot>$(MSBuildThisFileDirectory)</ReproRepoRoot></PropertyGroup></Project>");
        File.WriteAllText(repository.Combine("Directory.Build.targets"), $"<Project><Import Project=\"{Path.Combine(RepoPaths.Root, "Directory.Build.targets")}\" /></Project>");
        File.WriteAllText(repository.Combine("Lib.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsPackable>true</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Nerdbank.GitVersioning" Version="3.10.94" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(repository.Combine("Library.cs"), "namespace Lib; public static class Library { }\n");
        File.WriteAllText(repository.Combine(".gitignore"), "bin/\nobj/\nfeed/\n*.log\n");
        ChildProcess.Git(repository.Path, "init", "-q");
        ChildProcess.Git(repository.Path, "add", "-A");
        ChildProcess.Git(repository.Path, "commit", "-q", "-m", "library");
        return repository;
    }

    private static string PackageVersion(string repository) =>
        ChildProcess.Dotnet(repository, "msbuild", "Lib.csproj", "-restore", "-t:ReproPackageVersion", "-getProperty:PackageVersion", "-nologo")
            .EnsureSuccess("the package version").Output.Trim();

    [GeneratedRegex(@"^1\.2\.\d+-beta$")]
    private static partial Regex PlainVersion();
}
