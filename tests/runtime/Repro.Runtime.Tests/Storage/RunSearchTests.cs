using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Runs;

namespace Repro.Runtime.Tests.Storage;

/// <summary>
/// <see cref="RunIndex.Search"/> over real runs: hyperparameter conditions (numeric and text), tags from the start and
/// from later edits, status, name, time, and order by a metric's best or last value; the index follows the run folders.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RunSearchTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_accuracy = new("accuracy", options: new MetricOptions { Goal = MetricGoal.Maximize });
    private static readonly MetricDeclaration s_throughput = new("throughput");
    private readonly TemporaryDirectory _home = new("repro-search");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Numeric_conditions_compare_numbers_not_text()
    {
        // As text "9" > "10" and "0.05" < "0.1" < "1e-3": only a numeric comparison gets all of these right.
        var nine = Record("a", """{"batch_size":9,"learning_rate":0.1}""");
        var ten = Record("b", """{"batch_size":10,"learning_rate":0.001}""");
        var large = Record("c", """{"batch_size":128,"learning_rate":0.05}""");

        Assert.Equal([large, ten], Ids(Where("batch_size >= 10")));
        Assert.Equal([nine], Ids(Where("batch_size < 10")));
        Assert.Equal([large, nine], Ids(Where("learning_rate>=0.01")));
        Assert.Equal([ten], Ids(Where("learning_rate <= 1e-3")));
        Assert.Equal([large], Ids(Where("learning_rate > 0.01", "batch_size != 9")));
        Assert.Equal([ten], Ids(Where("batch_size == 10")));
    }

    [Fact]
    public void Text_conditions_compare_ordinally_and_quotes_force_text()
    {
        var adam = Record("a", """{"optimizer":"adam","tag_version":"10","use_amp":true}""");
        var sgd = Record("b", """{"optimizer":"sgd","tag_version":"9","use_amp":false}""");
        var none = Record("c", """{"epochs":3}""");

        Assert.Equal([adam], Ids(Where("optimizer = adam")));
        Assert.Equal([sgd], Ids(Where("optimizer != adam"))); // a run without the hyperparameter never matches
        Assert.Equal([sgd], Ids(Where("optimizer > 'b'")));
        Assert.Equal([adam], Ids(Where("tag_version = \"10\"")));
        Assert.Equal([adam], Ids(Where("use_amp = true")));
        Assert.Empty(Where("optimizer = ADAM"));
        Assert.Equal([none], Ids(Where("epochs = 3")));
    }

    [Fact]
    public void Nested_configuration_is_searched_by_dotted_path()
    {
        var low = Record("a", """{"optimizer":{"beta1":0.9,"name":"adam"},"model":{"layers":[64,64]}}""");
        var high = Record("b", """{"optimizer":{"beta1":0.99,"name":"adam"},"model":{"layers":[128]}}""");

        Assert.Equal([low], Ids(Where("optimizer.beta1 < 0.95")));
        Assert.Equal([high, low], Ids(Where("optimizer.name = adam")));
        Assert.Equal([high], Ids(Where("model.layers = [128]")));
        Assert.Empty(Where("beta1 < 0.95")); // the leaf name alone is not the path
    }

    [Fact]
    public void Tags_from_the_start_and_from_later_edits_are_searchable_and_secrets_are_masked()
    {
        var ana = Record("a", tags: new Dictionary<string, string> { ["owner"] = "ana", ["phase"] = "sweep", ["api_key"] = "PlainTagSecret" });
        var bo = Record("b", tags: new Dictionary<string, string> { ["owner"] = "bo" });
        var store = new RunStore(_home.Path);

        Assert.Equal([ana], Ids(Search(new RunSearch { Tags = [new("owner", "ana")] })));
        Assert.Equal([bo, ana], Ids(Search(new RunSearch { Tags = [new("owner", null)] })));
        Assert.Equal("***", store.GetRun(ana).Tags["api_key"]);

        store.Annotate(bo, new Dictionary<string, string> { ["phase"] = "sweep" }, [], "wider layers");
        store.Annotate(ana, new Dictionary<string, string>(), ["phase"], null);

        Assert.Equal([bo], Ids(Search(new RunSearch { Tags = [new("phase", "sweep")] })));
        var edited = store.GetRun(bo);
        Assert.Equal("wider layers", edited.Note);
        Assert.Equal(["owner", "phase"], edited.Tags.Keys);
        var history = RunAnnotations.Read(ReproHome.RunDirectory(_home.Path, bo))!.History;
        Assert.Single(history);
        Assert.Equal("sweep", history[0].Set["phase"]);
        foreach (var file in Directory.EnumerateFiles(_home.Path, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("PlainTagSecret", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Concurrent_tag_changes_take_turns_and_none_is_lost()
    {
        var id = Record("a");
        var store = new RunStore(_home.Path);

        Parallel.For(0, 4, writer =>
        {
            for (var i = 0; i < 10; i++)
            {
                store.Annotate(id, new Dictionary<string, string> { [$"writer{writer}"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, [], null);
            }
        });

        var annotations = RunAnnotations.Read(ReproHome.RunDirectory(_home.Path, id))!;
        Assert.Equal(40, annotations.History.Count);
        Assert.All(Enumerable.Range(0, 4), writer => Assert.Equal("9", annotations.Tags[$"writer{writer}"]));
    }

    [Fact]
    public void Runs_sort_by_best_value_in_the_goal_s_direction_and_by_last_value_ascending()
    {
        var middling = Record("a", losses: [0.9, 0.5, 0.7], accuracies: [0.6, 0.8]);
        var best = Record("b", losses: [0.8, 0.2, 0.4], accuracies: [0.7, 0.95]);
        var worst = Record("c", losses: [1.0, 0.6, 0.55], accuracies: [0.5, 0.55]);
        var unmeasured = Record("d");

        Assert.Equal([best, middling, worst, unmeasured], Ids(Sorted("best:loss")));
        Assert.Equal([best, middling, worst, unmeasured], Ids(Sorted("accuracy"))); // maximize: highest first
        Assert.Equal([best, worst, middling, unmeasured], Ids(Sorted("last:loss")));
        Assert.Equal([middling, worst, best, unmeasured], Ids(Sorted("last:loss", reverse: true)));
        Assert.Equal([worst, middling, best, unmeasured], Ids(Sorted("best:loss", reverse: true)));
        Assert.Equal(0.2, Sorted("best:loss")[0].SortValue);
        Assert.Equal(0.4, Sorted("last:loss")[0].SortValue);
        Assert.Equal([best, middling], Ids(Search(new RunSearch { Sort = MetricSort.Parse("best:loss"), Limit = 2 })));
    }

    [Fact]
    public void A_metric_without_a_goal_sorts_by_its_last_value()
    {
        var slow = Record("a", throughput: [300, 100]);
        var fast = Record("b", throughput: [100, 200]);

        Assert.Equal([slow, fast], Ids(Sorted("throughput")));
        Assert.Equal([fast, slow], Ids(Sorted("best:throughput"))); // no best values: every run lacks one, so newest first
    }

    [Fact]
    public void Status_name_and_start_time_filter_and_the_index_follows_deleted_and_new_runs()
    {
        var before = DateTimeOffset.UtcNow;
        var failed = Record("sweep-1", fail: true);
        var finished = Record("sweep-2");
        var other = Record("baseline");

        Assert.Equal([failed], Ids(Search(new RunSearch { Statuses = [RunStatus.Failed] })));
        Assert.Equal([finished, failed], Ids(Search(new RunSearch { Name = "sweep-*" })));
        Assert.Equal([other], Ids(Search(new RunSearch { Name = "baseline" })));
        Assert.Empty(Search(new RunSearch { Name = "sweep" }));
        Assert.Equal(3, Search(new RunSearch { StartedAfter = before }).Count);
        Assert.Empty(Search(new RunSearch { StartedBefore = before }));

        Directory.Delete(ReproHome.RunDirectory(_home.Path, finished), recursive: true);
        var added = Record("sweep-3");
        Assert.Equal([added, failed], Ids(Search(new RunSearch { Name = "sweep-?" })));
    }

    [Fact]
    public void A_run_indexed_while_running_is_listed_with_its_final_status_once_it_ends()
    {
        var run = Run.Start(new RunOptions { Home = _home.Path, Name = "live", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        Assert.Equal(RunStatus.Running, Assert.Single(Search(new RunSearch())).Manifest.Status);
        run.LogScalar(s_loss, 0, 0.5);
        run.Finish();

        var hit = Assert.Single(Search(new RunSearch { Statuses = [RunStatus.Finished], Sort = MetricSort.Parse("loss") }));
        Assert.Equal(0.5, hit.SortValue);
    }

    [Fact]
    public void A_finished_run_records_the_last_value_and_step_of_every_metric()
    {
        var id = Record("a", losses: [0.9, 0.25, 0.5], throughput: [10, 12]);
        var manifest = new RunStore(_home.Path).GetRun(id);

        Assert.Equal(new LastValue(0.5, 2), manifest.Last["loss"]);
        Assert.Equal(new LastValue(12, 1), manifest.Last["throughput"]);
        Assert.Equal(0.25, manifest.Best["loss"].Value);
    }

    [Fact]
    public void Non_finite_last_values_are_written_and_read_back_and_sort_with_the_runs_without_a_value()
    {
        var diverged = Record("a", losses: [0.5, double.PositiveInfinity]);
        var broken = Record("b", losses: [0.5, double.NaN]);
        var fine = Record("c", losses: [0.7, 0.4]);
        var store = new RunStore(_home.Path);

        Assert.Equal(double.PositiveInfinity, store.GetRun(diverged).Last["loss"].Value);
        Assert.True(double.IsNaN(store.GetRun(broken).Last["loss"].Value));
        Assert.Contains("\"Infinity\"", File.ReadAllText(ReproHome.ManifestPath(ReproHome.RunDirectory(_home.Path, diverged))), StringComparison.Ordinal);
        Assert.Equal([fine, diverged, broken], Ids(Sorted("last:loss")));
    }

    [Theory]
    [InlineData("lr>=0.01", "lr", ComparisonOperator.GreaterOrEqual, "0.01", 0.01)]
    [InlineData(" lr <= 1e-3 ", "lr", ComparisonOperator.LessOrEqual, "1e-3", 0.001)]
    [InlineData("opt == adam", "opt", ComparisonOperator.Equal, "adam", null)]
    [InlineData("opt != 'a = b'", "opt", ComparisonOperator.NotEqual, "a = b", null)]
    [InlineData("v = \"7\"", "v", ComparisonOperator.Equal, "7", null)]
    [InlineData("a.b.c>2", "a.b.c", ComparisonOperator.Greater, "2", 2.0)]
    [InlineData("x<-1", "x", ComparisonOperator.Less, "-1", -1.0)]
    [InlineData("x = NaN", "x", ComparisonOperator.Equal, "NaN", null)]
    public void Conditions_parse_into_path_operator_and_value(string text, string path, ComparisonOperator op, string value, double? number)
    {
        Assert.Equal(new ParameterCondition(path, op, value, number), ParameterCondition.Parse(text));
    }

    [Theory]
    [InlineData("learning_rate")]
    [InlineData(">= 0.1")]
    [InlineData("lr >=")]
    [InlineData("learning rate >= 0.1")]
    public void Malformed_conditions_say_what_a_condition_looks_like(string text)
    {
        var error = Assert.Throws<FormatException>(() => ParameterCondition.Parse(text));
        Assert.Contains("NAME OP VALUE", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "x")]
    [InlineData("a=b", "x")]
    [InlineData(" padded", "x")]
    [InlineData("ok", "line\nbreak")]
    public void Invalid_tags_are_refused_at_start_with_the_reason(string key, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { Home = _home.Path, Tags = new Dictionary<string, string> { [key] = value } }));
        Assert.Contains("tag", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Run.Current);
    }

    private IReadOnlyList<RunSearchHit> Where(params string[] conditions) =>
        Search(new RunSearch { Where = conditions.Select(ParameterCondition.Parse).ToList() });

    private IReadOnlyList<RunSearchHit> Sorted(string sort, bool reverse = false) =>
        Search(new RunSearch { Sort = MetricSort.Parse(sort, reverse) });

    private IReadOnlyList<RunSearchHit> Search(RunSearch search) => RunIndex.Search(new RunStore(_home.Path), search);

    private static List<string> Ids(IReadOnlyList<RunSearchHit> hits) => hits.Select(h => h.Manifest.RunId).ToList();

    private string Record(
        string name, string? configuration = null, IReadOnlyDictionary<string, string>? tags = null, bool fail = false,
        double[]? losses = null, double[]? accuracies = null, double[]? throughput = null)
    {
        var run = Run.Start(new RunOptions { Home = _home.Path, Name = name, Tags = tags, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        if (configuration is not null)
        {
            run.RecordHyperparameters(new JsonConfiguration(configuration));
        }

        void Log(MetricDeclaration metric, double[]? values)
        {
            for (var step = 0; step < (values?.Length ?? 0); step++)
            {
                run.LogScalar(metric, step, values![step]);
            }
        }

        Log(s_loss, losses);
        Log(s_accuracy, accuracies);
        Log(s_throughput, throughput);
        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        Thread.Sleep(2); // distinct ULID timestamps, so "newest first" is well defined
        return run.Id.ToString();
    }

    /// <summary>A configuration given as canonical JSON, as a generated one would produce.</summary>
}
