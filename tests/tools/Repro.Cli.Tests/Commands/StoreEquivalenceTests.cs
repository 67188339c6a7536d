using Repro.Tests.Shared;
using Repro.Tests.Shared.Runs;
using Repro.Tests.Shared.Services;

namespace Repro.Cli.Tests.Commands;

/// <summary>
/// Every command that reads runs gives the same answer from the central PostgreSQL store as from the local home, for
/// the same runs pushed there: lists under every kind of filter and order, manifests, events, diffs and reports.
/// </summary>
[Collection(Repro.Tests.Shared.SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class StoreEquivalenceTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_accuracy = new("accuracy", tags: new Dictionary<string, string> { ["split"] = "validation" });
    private static readonly MetricDeclaration s_tokens = new("tokens", valueType: MetricValueType.Int64);
    private static readonly MetricDeclaration s_spread = new("gradient_norm", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 20 });

    [SkippableFact]
    public void Every_reading_command_answers_alike_from_the_store_and_from_the_home()
    {
        var url = databases.NewDatabase(migrate: false);
        using var cli = new CliHarness();
        var baseline = Record(cli.Home, "baseline", 0.01, new() { ["owner"] = "ana" });
        var tuned = Record(cli.Home, "tuned", 0.02, new() { ["owner"] = "bo", ["phase"] = "tune" });
        var failed = Record(cli.Home, "tuned-again", 0.05, new() { ["owner"] = "bo" }, fail: true);
        var rank0 = Record(cli.Home, "ddp", 0.01, [], rank: 0);
        var rank1 = Record(cli.Home, "ddp", 0.01, [], rank: 1);

        Assert.Equal(0, cli.Invoke("store", "migrate", "--store", url).ExitCode);
        var pushed = cli.Invoke("push", "--store", url);
        Assert.True(pushed.ExitCode == 0, pushed.Error);
        Assert.Equal(5, pushed.Output.Split('\n').Count(line => line.Contains(": sent ", StringComparison.Ordinal)));

        string[][] commands =
        [
            ["runs", "list"],
            ["runs", "list", "--json"],
            ["runs", "list", "--status", "finished"],
            ["runs", "list", "--status", "failed", "--status", "crashed"],
            ["runs", "list", "--tag", "owner=bo"],
            ["runs", "list", "--tag", "phase"],
            ["runs", "list", "--where", "learning_rate >= 0.015"],
            ["runs", "list", "--where", "optimizer = adam", "--where", "layers = [64,32]"],
            ["runs", "list", "--name", "tuned*"],
            ["runs", "list", "--name", "t?ned"],
            ["runs", "list", "--sort", "loss"],
            ["runs", "list", "--sort", "last:accuracy", "--reverse", "--limit", "2"],
            ["runs", "list", "--since", "1d"],
            ["runs", "show", baseline],
            ["runs", "show", failed, "--json"],
            ["runs", "show", rank1],
            ["runs", "show", "latest"],
            ["runs", "show", baseline[..8]],
            ["events", tuned, "--jsonl"],
            ["events", failed],
            ["diff", baseline, tuned, "--json"],
            ["diff", baseline, tuned],
            ["diff", rank0, rank1, "--json"],
            ["runs", "show", "0000000000"],
        ];
        foreach (var command in commands)
        {
            var local = cli.Invoke([.. command, "--store", "local"]);
            var central = cli.Invoke([.. command, "--store", url]);
            Assert.True(local.ExitCode == central.ExitCode, $"repro {string.Join(' ', command)}: exit {local.ExitCode} locally, {central.ExitCode} from the store: {central.Error}");
            Assert.True(local.Output == central.Output, $"repro {string.Join(' ', command)} differs:\n--- local\n{local.Output}\n--- store\n{central.Output}\n{central.Error}");
        }

        // An empty answer says where it looked.
        Assert.Equal($"No runs in the store {url} pass the filters.", cli.Invoke("runs", "list", "--tag", "owner=nobody", "--store", url).Output.Trim());

        // Reports: the same page from either store.
        using var reports = new TemporaryDirectory("repro-store-report");
        Assert.Equal(0, cli.Invoke("report", baseline, tuned, "-o", reports.Combine("local.html"), "--store", "local").ExitCode);
        Assert.Equal(0, cli.Invoke("report", baseline, tuned, "-o", reports.Combine("store.html"), "--store", url).ExitCode);
        Assert.Equal(File.ReadAllText(reports.Combine("local.html")), File.ReadAllText(reports.Combine("store.html")));
    }

    [SkippableFact]
    public void A_job_s_ranks_are_listed_with_their_states_under_any_rank_s_run()
    {
        var url = databases.NewDatabase();
        using var cli = new CliHarness();
        var finished = Record(cli.Home, "ddp", 0.01, [], rank: 0);
        var crashed = Record(cli.Home, "ddp", 0.01, [], rank: 1, fail: true);
        Assert.Equal(0, cli.Invoke("push", "--store", url).ExitCode);

        var shown = cli.Invoke("runs", "show", crashed, "--store", url);

        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("Job job-", shown.Output, StringComparison.Ordinal);
        Assert.Contains("2 ranks: 1 finished, 1 failed", shown.Output, StringComparison.Ordinal);
        Assert.Contains(finished, shown.Output, StringComparison.Ordinal);
        Assert.Contains("diverged", shown.Output, StringComparison.Ordinal);
        Assert.Contains("No run recorded for rank 2, 3.", shown.Output, StringComparison.Ordinal);
        Assert.Equal(shown.Output, cli.Invoke("runs", "show", crashed, "--store", "local").Output);
    }

    [SkippableFact]
    public void Commands_without_a_store_say_how_to_name_one_and_an_unreachable_store_fails_cleanly()
    {
        using var cli = new CliHarness();
        cli.RecordRun("offline", 5);

        var push = cli.Invoke("push");
        var closed = cli.Invoke("runs", "list", "--store", "postgres://repro:hunter2-secret@127.0.0.1:1/nothing");

        Assert.Equal(2, push.ExitCode);
        Assert.Contains("--store postgres://", push.Error, StringComparison.Ordinal);
        Assert.Equal(1, closed.ExitCode);
        Assert.StartsWith("repro: ", closed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", closed.Error + closed.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Push_while_another_process_ships_the_run_exits_1_naming_it_and_sends_nothing_twice()
    {
        var url = databases.NewDatabase();
        using var cli = new CliHarness();
        var runId = cli.RecordRun("contended", 50);
        using var holder = new Repro.Storage.Postgres.PostgresShipper(Repro.Storage.Postgres.PostgresStoreAddress.Parse(url), new Repro.Storage.RunStore(cli.Home));
        holder.Ship(runId);

        var refused = cli.Invoke("push", runId, "--store", url);
        holder.Dispose();

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"Run {runId} is being shipped", refused.Error, StringComparison.Ordinal);
        Assert.Equal(
            cli.Invoke("events", runId, "--jsonl", "--store", "local").Output,
            cli.Invoke("events", runId, "--jsonl", "--store", url).Output);
    }

    private static string Record(string home, string name, double learningRate, Dictionary<string, string> tags, bool fail = false, int? rank = null)
    {
        var run = Run.Start(new RunOptions
        {
            Home = home,
            Name = name,
            Tags = tags,
            TelemetryInterval = TimeSpan.Zero,
            Rank = rank,
            WorldSize = rank is null ? null : 4,
            JobId = rank is null ? null : "job-" + Path.GetFileName(home),
        });
        run.RecordHyperparameters(new JsonConfiguration($$"""{"learning_rate":{{learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"optimizer":"adam","layers":[64,32]}"""));
        for (var step = 0; step < 300; step++)
        {
            run.LogScalar(s_loss, step, Math.Exp(-step * learningRate) + (rank ?? 0) * 1e-6);
            run.LogInteger(s_tokens, step, step * 4096L);
            run.LogScalar(s_spread, step, 1.0 / (step + 1));
            if (step % 10 == 0)
            {
                run.LogScalar(s_accuracy, step, step / 301.0);
                run.LogText($"step {step}");
            }
        }

        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        Thread.Sleep(2);
        return run.Id.ToString();
    }
}
