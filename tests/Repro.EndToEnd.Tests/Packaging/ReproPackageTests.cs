using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// The path a user takes: `dotnet pack` makes the Repro package, a new console project in a fresh git repository
/// references only that package from a local folder feed, and its build and run get everything — generator,
/// analyzers, build provenance and the runtime.
/// </summary>
[Collection(PackingFromTheCheckout.Name)]
public class ReproPackageTests
{
    private const string Program = """
        using Repro;

        using var run = Run.Start(new RunOptions { Name = "consumer" });
        var metrics = new ConsumerMetrics();
        for (var step = 0; step < 10; step++)
        {
            metrics.LogLoss(step, 1.0 / (step + 1));
        }

        var unseeded = new System.Random();
        run.Finish();
        System.Console.WriteLine($"RUN {run.Id} {unseeded.Next(1)}");

        internal sealed partial class ConsumerMetrics
        {
            [Metric(Goal = MetricGoal.Minimize)]
            public partial void LogLoss(long step, double value);
        }
        """;

    private const string TorchProgram = """
        using System.Globalization;
        using Repro;
        using Repro.TorchSharp.Determinism;
        using Repro.TorchSharp.Seeding;
        using TorchSharp;

        using var run = Run.Start(new RunOptions { Name = "torch-consumer" });
        TorchSeeds.ManualSeed(7);
        TorchDeterminism.Record(run);
        var layer = torch.nn.Linear(4, 2);
        var output = layer.call(torch.ones(3, 4)).sum().item<float>();
        var counts = torch.zeros(3).index_add(0, torch.tensor(new long[] { 0, 0 }), torch.ones(2), 1);
        run.Finish();
        System.Console.WriteLine($"RUN {run.Id} {output.ToString("R", CultureInfo.InvariantCulture)}");
        """;

    [Fact]
    public void A_new_project_that_references_only_the_package_builds_stamps_analyzes_and_runs()
    {
        using var work = new TemporaryDirectory("repro-package");
        var version = Pack(work.Path, "Repro.Runtime");
        var app = CreateConsumer(work.Path, Program, ("Repro", version));
        var head = ChildProcess.Git(app, "rev-parse", "HEAD").Output.Trim();

        var build = ChildProcess.Dotnet(app, "build", "-nologo").EnsureSuccess("dotnet build of the consumer");

        // The analyzers came with the package; the generator wrote LogLoss (or the build would have failed).
        Assert.Contains("warning REPRO1001", build.Output, StringComparison.Ordinal);
        var output = Path.Combine(app, "bin", "Debug", "net10.0");
        using (var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "Consumer.provenance.json"))))
        {
            Assert.Equal(head, provenance.RootElement.GetProperty("git").GetProperty("commit").GetString());
            Assert.Contains($"Repro/{version}", provenance.RootElement.GetProperty("packages").GetProperty("resolved").EnumerateArray().Select(p => p.GetString()));
        }

        var manifest = RunConsumer(work.Path, output, out _);
        Assert.Equal(Repro.Runs.RunStatus.Finished, manifest.Status);
        Assert.Equal(head, manifest.Build.Commit);
        Assert.False(manifest.Build.Dirty);
        Assert.Equal(head, manifest.Build.Provenance?.GetProperty("git").GetProperty("commit").GetString());
        Assert.Empty(manifest.Warnings);
        Assert.True(manifest.Best.ContainsKey("loss"));
    }

    [Fact]
    public void A_training_program_with_the_torchsharp_package_trains_repeatably_and_reports_determinism()
    {
        using var work = new TemporaryDirectory("repro-package-torch");
        var version = Pack(work.Path, "Repro.Runtime");
        Assert.Equal(version, Pack(work.Path, "Repro.TorchSharp"));
        var app = CreateConsumer(work.Path, TorchProgram, ("Repro.TorchSharp", version), ("TorchSharp-cpu", "0.107.0"));

        // index_add is nondeterministic only on CUDA: the project says it runs on the CPU, through the MSBuild property.
        var anyDevice = ChildProcess.Dotnet(app, "build", "-nologo", "-p:ReproTargetDevice=any").EnsureSuccess("dotnet build for any device");
        Assert.Contains("warning REPRO2001", anyDevice.Output, StringComparison.Ordinal);
        var build = ChildProcess.Dotnet(app, "build", "-nologo", "-p:ReproTargetDevice=cpu").EnsureSuccess("dotnet build for the CPU");
        Assert.DoesNotContain("warning REPRO", build.Output, StringComparison.Ordinal);

        // Seeded through Repro in two processes, the untrained layer gives the same output to the last bit.
        var output = Path.Combine(app, "bin", "Debug", "net10.0");
        var first = RunConsumer(work.Path, output, out var firstValue);
        RunConsumer(work.Path, output, out var secondValue);
        Assert.Equal(firstValue, secondValue);
        Assert.Equal(7, first.Seeds["torch.cpu"]);
        Assert.NotNull(first.Determinism);
        Assert.Equal("7", first.Determinism.Facts["torch.cpu.initial_seed"]);
        Assert.Equal("0.107.0", first.Environment.Libraries["TorchSharp"].Split('+')[0]);
    }

    /// <summary>Packs <paramref name="project"/> (already built) into the feed under <paramref name="work"/>; returns the version.</summary>
    private static string Pack(string work, string project)
    {
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        ChildProcess.Dotnet(RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, "runtime", project, project + ".csproj"),
            "-c", RepoPaths.Configuration, "--no-build", "-o", feed, "-nologo").EnsureSuccess("dotnet pack " + project);
        return FeedPackages.Version(feed, project == "Repro.Runtime" ? "Repro" : project);
    }

    /// <summary>A console project in a fresh, committed git repository that references only <paramref name="packages"/>.</summary>
    private static string CreateConsumer(string work, string program, params (string Id, string Version)[] packages)
    {
        var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
        var references = string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />"));
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <!-- A private packages folder, so this build of Repro never lands in (or comes from) the user's cache;
                     everything else resolves from the global folder. -->
                <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="repro-local" value="{Path.Combine(work, "feed")}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        File.WriteAllText(Path.Combine(app, ".gitignore"), "bin/\nobj/\n");
        ChildProcess.Git(app, "init", "-q");
        ChildProcess.Git(app, "add", "-A");
        ChildProcess.Git(app, "commit", "-q", "-m", "consumer");
        return app;
    }

    private static Repro.Runs.RunManifest RunConsumer(string work, string output, out string printed)
    {
        var home = Path.Combine(work, "home");
        var run = ChildProcess.Run("dotnet", [Path.Combine(output, "Consumer.dll")], Path.GetDirectoryName(output)!, new Dictionary<string, string> { ["REPRO_HOME"] = home })
            .EnsureSuccess("the consumer");
        var line = run.Output.Split('\n').Single(l => l.StartsWith("RUN ", StringComparison.Ordinal)).Trim().Split(' ');
        printed = line.Length > 2 ? line[2] : string.Empty;
        return new Repro.Storage.RunStore(home).GetRun(line[1]);
    }
}
