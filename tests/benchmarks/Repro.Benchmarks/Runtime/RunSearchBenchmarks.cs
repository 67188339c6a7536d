using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// <c>repro runs list --where … --sort …</c> over 10,000 runs: the index's answer (refresh by file stamps, then one
/// SQL query) against the baseline of reading and filtering every manifest, as <c>runs list</c> did before the index
/// answered. The runs are copies of one real run's manifest with their own ids, hyperparameters, tags and metrics.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RunSearchBenchmarks
{
    private const int Runs = 10_000;
    private string _home = null!;
    private RunStore _store = null!;
    private RunSearch _search = null!;
    private RunSearch _broad = null!;

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-search-").FullName;
        string template;
        using (var run = Run.Start(new RunOptions { Home = _home, Name = "template", HookProcessEvents = false, WarningsToStandardError = false, TelemetryInterval = TimeSpan.Zero }))
        {
            template = run.Id.ToString();
        }

        var manifest = new RunStore(_home).GetRun(template);
        Directory.Delete(ReproHome.RunDirectory(_home, template), recursive: true);
        var random = new Random(20261205);
        string[] optimizers = ["adam", "sgd", "adamw", "lion"];
        for (var i = 0; i < Runs; i++)
        {
            var id = Ulid.NewUlid().ToString();
            var learningRate = Math.Round(Math.Pow(10, -4 + (3 * random.NextDouble())), 6);
            var json = string.Create(CultureInfo.InvariantCulture,
                $$"""{"batch_size":{{16 << random.Next(5)}},"epochs":{{random.Next(5, 50)}},"learning_rate":{{learningRate}},"optimizer":{"beta1":0.9,"name":"{{optimizers[random.Next(4)]}}"},"seed":{{i}}}""");
            var loss = random.NextDouble();
            var copy = manifest with
            {
                RunId = id,
                Name = $"sweep-{i % 20}",
                Status = RunStatus.Finished,
                Hyperparameters = JsonDocument.Parse(json).RootElement,
                Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["owner"] = i % 3 == 0 ? "ana" : "bo", ["phase"] = "sweep" },
                Best = new SortedDictionary<string, BestValue>(StringComparer.Ordinal) { ["loss"] = new(loss, 900, "minimize") },
                Last = new SortedDictionary<string, LastValue>(StringComparer.Ordinal) { ["loss"] = new(loss * 1.1, 999), ["accuracy"] = new(1 - loss, 999) },
            };
            var folder = ReproHome.RunDirectory(_home, id);
            ReproHome.CreateOwnerOnlyDirectory(folder);
            RunManifestJson.Write(ReproHome.ManifestPath(folder), copy);
        }

        _store = new RunStore(_home);
        _search = new RunSearch
        {
            Where = [ParameterCondition.Parse("learning_rate >= 0.01"), ParameterCondition.Parse("optimizer.name = adam")],
            Tags = [new("owner", "ana")],
            Sort = MetricSort.Parse("best:loss"),
            Limit = 20,
        };
        _broad = _search with { Limit = null, Tags = [] };
        Console.WriteLine($"// {RunIndex.Search(_store, _broad).Count} of {Runs} runs pass the broad search");
    }

    [GlobalCleanup]
    public void TearDown() => Directory.Delete(_home, recursive: true);

    /// <summary>What <c>runs list</c> did before: read every manifest, filter and sort in memory.</summary>
    [Benchmark(Baseline = true)]
    public int ReadEveryManifest() => _store.ListRuns()
        .Where(m => m.Tags.TryGetValue("owner", out var owner) && owner == "ana")
        .Where(m => m.Hyperparameters is { } h && h.GetProperty("learning_rate").GetDouble() >= 0.01 && h.GetProperty("optimizer").GetProperty("name").GetString() == "adam")
        .OrderBy(m => m.Best["loss"].Value)
        .Take(20)
        .Count();

    /// <summary>The index: refresh by stamps, then the query; the 20 best.</summary>
    [Benchmark]
    public int IndexTop20() => RunIndex.Search(_store, _search).Count;

    /// <summary>The index returning every match (about a sixth of the runs), manifests parsed.</summary>
    [Benchmark]
    public int IndexAllMatches() => RunIndex.Search(_store, _broad).Count;
}
