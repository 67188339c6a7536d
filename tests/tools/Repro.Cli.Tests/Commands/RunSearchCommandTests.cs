using System.Text.Json;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Runs;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro runs list</c> with filters and sorting, and <c>runs tag</c> / <c>runs note</c>, on real runs.</summary>
[Collection(SequentialRuns.Name)]
public sealed class RunSearchCommandTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Where_and_sort_select_and_order_runs_and_the_table_shows_the_value_sorted_by()
    {
        var slow = Record("lr-small", """{"learning_rate":0.001,"optimizer":"sgd"}""", [0.9, 0.8]);
        var good = Record("lr-mid", """{"learning_rate":0.01,"optimizer":"adam"}""", [0.7, 0.2]);
        var wild = Record("lr-large", """{"learning_rate":0.1,"optimizer":"adam"}""", [2.5, 0.6]);

        var (code, output, error) = _cli.Invoke("runs", "list", "--where", "learning_rate >= 0.01", "--sort", "best:loss", "--json");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Equal([good, wild], RunIds(output));

        (code, output, _) = _cli.Invoke("runs", "list", "--where", "optimizer = adam", "--where", "learning_rate < 0.05", "--json");
        Assert.Equal([good], RunIds(output));

        (code, output, _) = _cli.Invoke("runs", "list", "--sort", "loss");
        Assert.Equal(0, code);
        Assert.Contains("│ loss", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf(good, StringComparison.Ordinal) < output.IndexOf(wild, StringComparison.Ordinal));
        Assert.True(output.IndexOf(wild, StringComparison.Ordinal) < output.IndexOf(slow, StringComparison.Ordinal));
        Assert.Contains("0.2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_and_notes_set_later_are_shown_and_searchable()
    {
        var first = Record("a", null, [1.0], new Dictionary<string, string> { ["owner"] = "ana" });
        var second = Record("b", null, [1.0]);

        var (code, output, _) = _cli.Invoke("runs", "tag", second, "owner=bo", "phase=sweep");
        Assert.Equal(0, code);
        Assert.Contains("owner=bo, phase=sweep", output, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Invoke("runs", "note", second, "wider layers").ExitCode);
        Assert.Equal(0, _cli.Invoke("runs", "tag", first, "--remove", "owner").ExitCode);

        Assert.Equal([second], RunIds(_cli.Invoke("runs", "list", "--tag", "owner", "--json").Output));
        Assert.Equal([second], RunIds(_cli.Invoke("runs", "list", "--tag", "phase=sweep", "--json").Output));
        var show = _cli.Invoke("runs", "show", second).Output;
        Assert.Contains("owner=bo, phase=sweep", show, StringComparison.Ordinal);
        Assert.Contains("wider layers", show, StringComparison.Ordinal);
        Assert.Contains("phase=sweep", _cli.Invoke("runs", "list").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_hyperparameters_cannot_be_searched_by_value()
    {
        Record("a", """{"db_password":"hunter2-plain","epochs":3}""", [1.0]);

        var (code, output, _) = _cli.Invoke("runs", "list", "--where", "db_password = hunter2-plain", "--json");

        Assert.Equal(0, code);
        Assert.Empty(RunIds(output));
        Assert.Single(RunIds(_cli.Invoke("runs", "list", "--where", "epochs = 3", "--json").Output));
    }

    [Fact]
    public void Filters_that_match_nothing_say_so()
    {
        Record("a", null, [1.0]);

        var (code, output, _) = _cli.Invoke("runs", "list", "--status", "crashed");

        Assert.Equal(0, code);
        Assert.Contains("pass the filters", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--where", "learning_rate", "NAME OP VALUE")]
    [InlineData("--since", "yesterday", "is not a time")]
    [InlineData("--status", "done", "is not a run status")]
    [InlineData("--limit", "0", "--limit must be a positive number")]
    [InlineData("--commit", "main", "hexadecimal")]
    [InlineData("--sort", "best:", "names no metric")]
    [InlineData("--tag", "=x", "is not a tag")]
    public void Filters_that_cannot_be_read_exit_2_with_the_reason(string option, string value, string message)
    {
        Record("a", null, [1.0]);

        var (code, _, error) = _cli.Invoke("runs", "list", option, value);

        Assert.Equal(2, code);
        Assert.StartsWith("repro: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tagging_with_nothing_to_change_or_a_bad_tag_exits_2()
    {
        var id = Record("a", null, [1.0]);

        Assert.Equal(2, _cli.Invoke("runs", "tag", id).ExitCode);
        var (code, _, error) = _cli.Invoke("runs", "tag", id, "novalue");
        Assert.Equal(2, code);
        Assert.Contains("key=value", error, StringComparison.Ordinal);
    }

    private static List<string> RunIds(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(r => r.GetProperty("runId").GetString()!).ToList();
    }

    private string Record(string name, string? configuration, double[] losses, IReadOnlyDictionary<string, string>? tags = null)
    {
        var run = Run.Start(new RunOptions { Home = _cli.Home, Name = name, Tags = tags, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        if (configuration is not null)
        {
            run.RecordHyperparameters(new JsonConfiguration(configuration));
        }

        for (var step = 0; step < losses.Length; step++)
        {
            run.LogScalar(s_loss, step, losses[step]);
        }

        run.Finish();
        Thread.Sleep(2); // distinct ULID timestamps, so "newest first" is well defined
        return run.Id.ToString();
    }

    /// <summary>A configuration given as canonical JSON, with the secret-name redaction a generated one gets.</summary>
}
