using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// The path a user takes: `dotnet pack` makes the Repro package, a new console project in a fresh git repository
/// references only that package from a local folder feed, and its build and run get everything — generator,
/// analyzers, build provenance and the runtime.
/// </summary>
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

    [Fact]
    public void A_new_project_that_references_only_the_package_builds_stamps_analyzes_and_runs()
    {
        using var work = new TemporaryDirectory("repro-package");
        var feed = Directory.CreateDirectory(Path.Combine(work.Path, "feed")).FullName;
        ChildProcess.Dotnet(RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, "runtime", "Repro.Runtime", "Repro.Runtime.csproj"),
            "-c", RepoPaths.Configuration, "--no-build", "-o", feed, "-nologo").EnsureSuccess("dotnet pack");
        var package = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(feed, "Repro.*.nupkg")));
        var version = package["Repro.".Length..];

        var app = Directory.CreateDirectory(Path.Combine(work.Path, "app")).FullName;
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <!-- A private packages folder, so this version of Repro never lands in (or comes from) the user's cache;
                     everything else resolves from the global folder. -->
                <RestorePackagesPath>{Path.Combine(work.Path, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Repro" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="repro-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        File.WriteAllText(Path.Combine(app, ".gitignore"), "bin/\nobj/\n");
        ChildProcess.Git(app, "init", "-q");
        ChildProcess.Git(app, "add", "-A");
        ChildProcess.Git(app, "commit", "-q", "-m", "consumer");
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

        var home = Path.Combine(work.Path, "home");
        var run = ChildProcess.Run("dotnet", [Path.Combine(output, "Consumer.dll")], app, new Dictionary<string, string> { ["REPRO_HOME"] = home })
            .EnsureSuccess("the consumer");
        var runId = run.Output.Split('\n').Single(line => line.StartsWith("RUN ", StringComparison.Ordinal)).Split(' ')[1];
        var manifest = new Repro.Storage.RunStore(home).GetRun(runId);
        Assert.Equal(Repro.Runs.RunStatus.Finished, manifest.Status);
        Assert.Equal(head, manifest.Build.Commit);
        Assert.False(manifest.Build.Dirty);
        Assert.Equal(head, manifest.Build.Provenance?.GetProperty("git").GetProperty("commit").GetString());
        Assert.Empty(manifest.Warnings);
        Assert.True(manifest.Best.ContainsKey("loss"));
    }
}
