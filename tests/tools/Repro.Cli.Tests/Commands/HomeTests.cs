using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary>Which home the CLI reads, and what it says when that home is missing or cannot be written.</summary>
[Collection(SequentialRuns.Name)]
public class HomeTests
{
    [Fact]
    public void No_runs_names_the_home_read_and_how_it_was_chosen()
    {
        using var cli = new CliHarness();

        var result = cli.Invoke("runs", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"No runs in the Repro home {cli.Home} (--home)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_update_on_a_missing_home_names_the_path_and_what_to_do_and_creates_nothing()
    {
        using var folder = new TemporaryDirectory();
        var missing = Path.Combine(folder.Path, "nowhere", ".repro");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = ReproCli.Invoke(["index", "update", "--home", missing], output, error);

        Assert.Equal(1, code);
        Assert.Contains($"There is no Repro home at {missing} (chosen: --home)", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("REPRO_HOME", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite Error", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "nowhere")));
    }

    [SkippableFact]
    public void Index_update_on_a_home_that_cannot_be_written_names_the_file_and_the_cause()
    {
        using var folder = new TemporaryDirectory();
        var home = Path.Combine(folder.Path, ".repro");
        using var readOnly = ReadOnlyFolder.Create(home);
        Skip.If(readOnly is null, ReadOnlyFolder.Unavailable);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = ReproCli.Invoke(["index", "update", "--home", home], output, error);

        Assert.Equal(1, code);
        var message = error.ToString();
        // Permission bits for a user, a read-only mount for root: either way the file and the cause are named.
        Assert.Matches($"^repro: Repro cannot write to {System.Text.RegularExpressions.Regex.Escape(Path.Combine(home, "index.db"))}: (permission denied|the file system is read-only)\\. Set REPRO_HOME", message);
        Assert.DoesNotContain("SQLite Error", message, StringComparison.Ordinal);
        Assert.Single(message.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
