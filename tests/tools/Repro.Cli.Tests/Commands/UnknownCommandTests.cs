namespace Repro.Cli.Tests.Commands;

public class UnknownCommandTests
{
    [Fact]
    public void A_mistyped_command_gets_one_message_with_the_closest_command()
    {
        using var cli = new CliHarness();

        var result = cli.Invoke("runz", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("repro: unknown command 'runz'. Did you mean 'runs'? Commands: runs, diff, drift, report, rerun, events, watch, export, index, audit, gc, du, provenance, verify, artifacts, dataset, store, push. See 'repro --help'.", result.Error.Trim());
    }

    [Fact]
    public void An_unrelated_word_gets_the_list_without_a_guess()
    {
        using var cli = new CliHarness();

        var result = cli.Invoke("frobnicate");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Did you mean", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", line, StringComparison.Ordinal);
        Assert.Contains("unknown command 'frobnicate'", line, StringComparison.Ordinal);
    }
}
