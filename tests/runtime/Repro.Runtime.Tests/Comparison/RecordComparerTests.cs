using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Repro.Comparison;
using Repro.Provenance;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Comparison;

/// <summary>
/// The record half of <c>repro diff</c>: packages and lock files from build provenance, the machine, datasets and
/// splits, and the files two dirty builds' real git patches change differently.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RecordComparerTests : IDisposable
{
    private readonly TemporaryDirectory _home = new("repro-record-diff");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Packages_added_removed_and_changed_and_lock_files_are_listed()
    {
        var a = WithProvenance(Manifest(), """{"packages":{"lockFiles":{"app/packages.lock.json":"aaa"},"resolved":["TorchSharp/0.105.0","Serilog/4.0.0","Old.Package/1.0.0"]}}""");
        var b = WithProvenance(Manifest(), """{"packages":{"lockFiles":{"app/packages.lock.json":"bbb"},"resolved":["TorchSharp/0.107.0","Serilog/4.0.0","New.Package/2.1.0"]}}""");

        var packages = Section(RecordComparer.Compare(a, b, null), "packages");

        Assert.Equal(
            [
                new Difference("lock file app/packages.lock.json", "aaa", "bbb"),
                new Difference("package New.Package", null, "2.1.0"),
                new Difference("package Old.Package", "1.0.0", null),
                new Difference("package TorchSharp", "0.105.0", "0.107.0"),
            ],
            packages);
    }

    [Fact]
    public void The_machine_data_and_splits_are_compared_and_identical_records_have_no_differences()
    {
        var a = Manifest();
        var b = a with
        {
            Environment = a.Environment with { CpuModel = "Other CPU", Gpus = [new GpuInfo(0, "H200", "560.1", "12.6", 141_000)] },
            Lineage = a.Lineage with { Splits = [new SplitSummary("validation", 200, "feed", "moons")] },
        };

        var sections = RecordComparer.Compare(a, b, null);

        Assert.All(RecordComparer.Compare(a, a, null), s => Assert.Empty(s.Differences));
        Assert.Contains(new Difference("CPU", a.Environment.CpuModel ?? "unknown", "Other CPU"), Section(sections, "environment"));
        Assert.Contains(new Difference("GPU 0", null, "H200, driver 560.1, CUDA 12.6"), Section(sections, "environment"));
        Assert.Equal([new Difference("split validation", null, "feed (200 indices)")], Section(sections, "data"));
    }

    [Fact]
    public void Files_two_real_patches_change_differently_are_named_when_both_patch_files_are_intact()
    {
        using var repository = new TemporaryDirectory("repro-patches");
        Git(repository.Path, "init", "-q");
        File.WriteAllText(Path.Combine(repository.Path, "train.cs"), "var lr = 0.01;\n");
        File.WriteAllText(Path.Combine(repository.Path, "data.cs"), "var shuffle = true;\n");
        File.WriteAllText(Path.Combine(repository.Path, "model.cs"), "var layers = 2;\n");
        Git(repository.Path, "add", ".");
        Git(repository.Path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
        File.WriteAllText(Path.Combine(repository.Path, "train.cs"), "var lr = 0.02;\n");
        File.WriteAllText(Path.Combine(repository.Path, "model.cs"), "var layers = 3;\n");
        var patchA = Git(repository.Path, "diff", "HEAD", "--binary");
        File.WriteAllText(Path.Combine(repository.Path, "data.cs"), "var shuffle = false;\n");
        File.WriteAllText(Path.Combine(repository.Path, "model.cs"), "var layers = 4;\n");
        var patchB = Git(repository.Path, "diff", "HEAD", "--binary");
        var a = Dirty(Manifest(), patchA, "a");
        var b = Dirty(Manifest(), patchB, "b");

        var patches = PatchComparison.TryCompare(a, b);

        Assert.NotNull(patches);
        Assert.Equal([new PatchedFile("data.cs", null, "changed"), new PatchedFile("model.cs", "changed", "changed")], patches.Files); // train.cs: same change
        Assert.Contains(new Difference("patched file model.cs", "changed", "changed"), Section(RecordComparer.Compare(a, b, patches), "code"));

        File.AppendAllText(PatchPath(b), "# a later build replaced this patch\n");
        Assert.Null(PatchComparison.TryCompare(a, b)); // not the patch b's build recorded: not used
    }

    private static IReadOnlyList<Difference> Section(IReadOnlyList<DifferenceSection> sections, string name) => sections.Single(s => s.Name == name).Differences;

    private RunManifest Manifest()
    {
        using var run = Run.Start(new RunOptions { Home = _home.Path, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        var id = run.Id.ToString();
        run.Finish();
        return new RunStore(_home.Path).GetRun(id);
    }

    private static RunManifest WithProvenance(RunManifest manifest, string provenance) =>
        manifest with { Build = manifest.Build with { Provenance = JsonDocument.Parse(provenance).RootElement } };

    /// <summary>A manifest of a program built dirty from <paramref name="patch"/>, with the patch file beside the program as the build leaves it.</summary>
    private RunManifest Dirty(RunManifest manifest, string patch, string name)
    {
        var folder = Path.Combine(_home.Path, "bin-" + name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "App.provenance.patch"), patch);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "App.provenance.patch"))));
        var provenance = JsonDocument.Parse("""{"git":{"patch":{"file":"App.provenance.patch","sha256":"HASH","writtenSha256":null}}}""".Replace("HASH", hash, StringComparison.Ordinal)).RootElement;
        return manifest with
        {
            Build = new BuildStamp(true, "0123456789abcdef0123456789abcdef01234567", true) { PatchSha256 = hash, Provenance = provenance, Assembly = "App" },
            Environment = manifest.Environment with { CommandLine = [Path.Combine(folder, "App.dll")] },
        };
    }

    private static string PatchPath(RunManifest manifest) => Path.Combine(Path.GetDirectoryName(manifest.Environment.CommandLine[0])!, "App.provenance.patch");

    private static string Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, git.StandardError.ReadToEnd());
        return output;
    }
}
