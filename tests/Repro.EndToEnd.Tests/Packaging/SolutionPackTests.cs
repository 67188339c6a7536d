using Repro.Tests.Shared;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary><c>dotnet pack Repro.sln</c> packs the five shipped packages and nothing else.</summary>
[Collection(PackingFromTheCheckout.Name)]
public class SolutionPackTests
{
    [Fact]
    public void Packing_the_solution_gives_exactly_the_five_shipped_packages()
    {
        using var feed = new TemporaryDirectory("repro-solution-pack");

        // The test run has just built the solution in Debug: pack those outputs rather than build it all again.
        ChildProcess.Dotnet(RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, "Repro.sln"), "-c", "Debug", "--no-build", "-o", feed.Path, "-nologo")
            .EnsureSuccess("dotnet pack Repro.sln");

        var ids = new[] { "Repro", "Repro.Cli", "Repro.Serilog", "Repro.TorchSharp", "Repro.Templates" };
        Assert.Equal(ids.Length, Directory.GetFiles(feed.Path, "*.nupkg").Length);
        Assert.All(ids, id => Assert.NotEmpty(FeedPackages.Version(feed.Path, id)));
    }
}
