using BenchmarkDotNet.Attributes;
using Repro;
using Repro.Pipeline;
using Repro.Storage;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// The cost of bringing the SQLite index up to date after one new event, on a run of ten events and on
/// a run of ten million: with resume points it is the same, because only the log's end is read.
/// Setup indexes the whole run once (minutes for ten million events); each measured operation then
/// logs one scalar, flushes, and runs <see cref="RunIndex.Update"/>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class IndexUpdateBenchmarks
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private string _home = string.Empty;
    private Run? _run;
    private RunStore? _store;
    private long _step;

    [Params(10, 10_000_000)]
    public int EventsInRun { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-index-").FullName;
        _run = Run.Start(new RunOptions
        {
            Home = _home,
            Name = "index-update",
            HookProcessEvents = false,
            WarningsToStandardError = false,
            TelemetryInterval = TimeSpan.Zero,
        });
        for (_step = 0; _step < EventsInRun; _step++)
        {
            _run.LogScalar(s_loss, _step, 1.0 / (_step + 1));
        }

        _run.Flush();
        _store = new RunStore(_home);
        RunIndex.Update(_store);
    }

    [IterationSetup]
    public void LogOne()
    {
        _run!.LogScalar(s_loss, _step, 1.0 / ++_step);
        _run.Flush();
    }

    [Benchmark(Description = "index update after one new event")]
    public long UpdateIndex() => RunIndex.Update(_store!).Events;

    [GlobalCleanup]
    public void Cleanup()
    {
        _run?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }
}
