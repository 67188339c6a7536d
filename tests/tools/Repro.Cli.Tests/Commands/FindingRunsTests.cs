using System.Text.Json;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary>Run ids by prefix and 'latest', live runs read live, usage errors and their exit codes.</summary>
[Collection(SequentialRuns.Name)]
public class FindingRunsTests
{
    [Fact]
    public void A_unique_prefix_in_any_case_and_latest_name_a_run_like_its_full_id()
    {
        using var cli = new CliHarness();
        var older = cli.RecordRun("older", 2);
        var newer = cli.RecordRun("newer", 3);

        var byPrefix = cli.Invoke("runs", "show", newer[..20].ToLowerInvariant(), "--json");
        var latest = cli.Invoke("events", "latest", "--jsonl");
        var exported = cli.Invoke("export", older[..22], "-o", Path.Combine(cli.Home, "older.jsonl"));

        Assert.Equal(0, byPrefix.ExitCode);
        Assert.Equal(newer, JsonDocument.Parse(byPrefix.Output).RootElement.GetProperty("runId").GetString());
        Assert.Equal(0, latest.ExitCode);
        Assert.All(latest.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(newer, line, StringComparison.Ordinal));
        Assert.Equal(0, exported.ExitCode);
        Assert.Contains(older, exported.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ambiguous_prefix_lists_the_runs_it_matches_and_exits_2()
    {
        using var cli = new CliHarness();
        var first = cli.RecordRun("a", 1);
        var second = cli.RecordRun("b", 1);
        var shared = new string(first.Zip(second).TakeWhile(p => p.First == p.Second).Select(p => p.First).ToArray());

        var result = cli.Invoke("runs", "show", shared);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("matches 2 runs", result.Error, StringComparison.Ordinal);
        Assert.Contains(first, result.Error, StringComparison.Ordinal);
        Assert.Contains(second, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_match_is_a_failure_naming_the_home_and_a_malformed_id_is_a_usage_error()
    {
        using var cli = new CliHarness();
        cli.RecordRun("only", 1);

        var none = cli.Invoke("runs", "show", "7ZZZ");
        var malformed = cli.Invoke("events", "hello!");
        var noLatest = new CliHarness();
        var empty = noLatest.Invoke("runs", "show", "latest");
        noLatest.Dispose();

        Assert.Equal(1, none.ExitCode);
        Assert.Contains($"starts with 7ZZZ", none.Error, StringComparison.Ordinal);
        Assert.Contains(cli.Home, none.Error, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("'hello!' is not a run id", malformed.Error, StringComparison.Ordinal);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("no latest run", empty.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_run_shows_the_events_its_log_holds_not_zero()
    {
        using var cli = new CliHarness();
        using var run = Run.Start(new RunOptions { Home = cli.Home, Name = "live", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        var loss = new MetricDeclaration("loss");
        for (var step = 0; step < 500; step++)
        {
            run.LogScalar(loss, step, step);
        }

        Assert.True(run.Flush());
        var inLog = new RunStore(cli.Home).ReadEvents(run.Id.ToString()).Max(e => e.Sequence);

        var list = cli.Invoke("runs", "list", "--json");
        var show = cli.Invoke("runs", "show", "latest");

        Assert.True(inLog >= 500);
        var listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
        Assert.Equal("running", listed.GetProperty("status").GetString());
        Assert.Equal(inLog, listed.GetProperty("lastSequence").GetUInt64());
        Assert.Matches($@"Events\s*│?\s*{inLog}\b", show.Output);
    }

    [Fact]
    public async Task Following_a_running_run_prints_every_event_once_in_order_and_stops_when_it_ends()
    {
        using var cli = new CliHarness();
        var run = Run.Start(new RunOptions { Home = cli.Home, Name = "followed", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        var loss = new MetricDeclaration("loss");
        var runId = run.Id.ToString();
        for (var step = 0; step < 100; step++)
        {
            run.LogScalar(loss, step, step);
        }

        run.Flush();
        var follower = Task.Run(() => cli.Invoke("events", runId[..12], "--follow", "--jsonl"));
        for (var round = 1; round <= 5; round++)
        {
            Thread.Sleep(150);
            for (var step = round * 100; step < (round + 1) * 100; step++)
            {
                run.LogScalar(loss, step, step);
            }

            run.Flush();
        }

        run.Finish();
        var (code, output, _) = await follower.WaitAsync(TimeSpan.FromSeconds(60)); // a TimeoutException if --follow never stops
        var sequences = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetUInt64()).ToList();
        var expected = new RunStore(cli.Home).ReadEvents(runId).Select(e => e.Sequence).ToList();
        Assert.Equal(0, code);
        Assert.Equal(expected, sequences);
        Assert.Equal(600, new RunStore(cli.Home).ReadEvents(runId).Count(e => e.ValueCase == Events.Event.ValueOneofCase.Scalar));
    }

    [Fact]
    public void Unknown_options_and_missing_arguments_are_usage_errors_with_a_pointer_to_help()
    {
        using var cli = new CliHarness();

        var option = cli.Invoke("runs", "list", "--jsn");
        var argument = cli.Invoke("runs", "show");
        var help = cli.Invoke("--help");

        Assert.Equal(2, option.ExitCode);
        Assert.Contains("--jsn", option.Error, StringComparison.Ordinal);
        Assert.Contains("See 'repro runs list --help'.", option.Error, StringComparison.Ordinal);
        Assert.Equal(2, argument.ExitCode);
        Assert.Contains("See 'repro runs show --help'.", argument.Error, StringComparison.Ordinal);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes: 0 success; 1 failure", help.Output, StringComparison.Ordinal);
    }
}
