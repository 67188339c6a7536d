using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary>The refusals of <c>repro rerun</c> that need no build (the full reruns are end-to-end tests).</summary>
[Collection(SequentialRuns.Name)]
public sealed class RerunCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void A_run_of_an_unstamped_program_is_refused_because_its_code_cannot_be_checked_out()
    {
        var id = _cli.RecordRun("unstamped", 3);

        var (code, _, error) = _cli.Invoke("rerun", id);

        Assert.Equal(1, code);
        Assert.Contains("repro: rerun refused: ", error, StringComparison.Ordinal);
        Assert.Contains("no build stamp with a commit", error, StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(Path.Combine(_cli.Home, "runs"))); // nothing was run
    }

    [Theory]
    [InlineData("--device", "gpu", "is not a device")]
    [InlineData("--device", "cuda:x", "is not a device")]
    [InlineData("--threads", "0", "--threads must be a positive number")]
    public void Overrides_that_cannot_be_right_exit_2(string option, string value, string message)
    {
        var id = _cli.RecordRun("unstamped", 3);

        var (code, _, error) = _cli.Invoke("rerun", id, option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
