using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests;

/// <summary>
/// In-process Roslyn tests can pass while the real compiler silently refuses an analyzer or
/// generator built against a newer Roslyn (CS9057). Only a real `dotnet build` proves it loads.
/// </summary>
public class CompilerLoadsReproTests
{
    [Fact]
    public void A_real_build_reports_the_analyzer_warning_and_uses_the_generated_metric()
    {
        using var project = new ScratchProject("Consumer");
        string Dependency(string file) => Path.Combine(AppContext.BaseDirectory, file);
        project.WriteProject($"""
              <ItemGroup>
                <Analyzer Include="{RepoPaths.Artifact("Repro.Generators", "Repro.Generators.dll")}" />
                <Analyzer Include="{RepoPaths.Artifact("Repro.Analyzers", "Repro.Analyzers.dll")}" />
                <Analyzer Include="{RepoPaths.Artifact("Repro.Analyzers.CodeFixes", "Repro.Analyzers.CodeFixes.dll")}" />
                <Reference Include="{Dependency("Repro.Runtime.dll")}" />
                <Reference Include="{Dependency("Google.Protobuf.dll")}" />
                <Reference Include="{Dependency("Ulid.dll")}" />
              </ItemGroup>
            """);
        project.Write("Program.cs", """
            using Repro;

            var jitter = new Random().NextDouble();
            using (Run.Start(new RunOptions { Name = "consumer" }))
            {
                new Metrics().LogLoss(1, 0.75);
            }

            internal sealed partial class Metrics
            {
                [Metric] public partial void LogLoss(long step, double value);
            }
            """);

        var build = project.Build();

        Assert.True(build.ExitCode == 0, build.All);
        Assert.Contains("warning REPRO1001", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS9057", build.Output, StringComparison.Ordinal); // analyzer newer than the compiler
        Assert.DoesNotContain("CS8032", build.Output, StringComparison.Ordinal); // analyzer could not be created
        Assert.DoesNotContain("AD0001", build.Output, StringComparison.Ordinal); // analyzer threw

        using var home = new TemporaryDirectory("repro-consumer");
        project.Run(new Dictionary<string, string> { ["REPRO_HOME"] = home.Path }).EnsureSuccess("the consumer program");
        var store = new RunStore(home.Path);
        var run = Assert.Single(store.ListRuns());
        var scalar = Assert.Single(store.ReadEvents(run.RunId), e => e.ValueCase == Event.ValueOneofCase.Scalar);
        Assert.Equal(("loss", 1L, 0.75), (scalar.Name, scalar.Step, scalar.Scalar.Value));
    }
}
