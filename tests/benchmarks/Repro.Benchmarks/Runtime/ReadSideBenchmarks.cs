using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Repro;
using Repro.Events;
using Repro.Export.TensorBoard;
using Repro.Pipeline;
using Repro.Sinks;
using Repro.Storage;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// The read side (issue 17, item 5): scalars per second when replaying a run's log, when writing it as JSON Lines
/// (what <c>repro events --jsonl</c> does, into a discarding stream), when exporting it through the JSON Lines sink
/// into a file or as a TensorBoard event file, and when building the SQLite index of it (rebuilt, or updated from empty). The run holds three million
/// scalars of the realistic stream (packed batches), read from a warm page cache. Time per operation is one scalar.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ReadSideBenchmarks
{
    private const int Scalars = 3_000_000;
    private static readonly MetricDeclaration s_loss = new("train/loss");
    private static readonly MetricDeclaration s_lr = new("train/lr");
    private static readonly MetricDeclaration s_accuracy = new("val/accuracy");
    private string _home = string.Empty;
    private string _runId = string.Empty;
    private RunStore? _store;

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-read-").FullName;
        using (var run = Run.Start(new RunOptions { Home = _home, Name = "read-side", HookProcessEvents = false, WarningsToStandardError = false, TelemetryInterval = TimeSpan.Zero }))
        {
            _runId = run.Id.ToString();
            var random = new Random(20261206);
            var correct = 500;
            for (long step = 0; step < Scalars / 3; step++)
            {
                var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                if (step % 50 == 0 && random.Next(4) == 0)
                {
                    correct = Math.Min(1000, correct + random.Next(0, 3));
                }

                run.LogScalar(s_loss, step, (float)((2.5 * Math.Exp(-step / 20_000.0)) + 0.1 + (0.05 * noise)));
                run.LogScalar(s_lr, step, 0.1 * (1 << (int)((step / 10_000) & 3)) / 8);
                run.LogScalar(s_accuracy, step, correct / 1000.0);
            }
        }

        _store = new RunStore(_home);
        _ = _store.ReadEvents(_runId).Count(); // recovery, if any, and a warm page cache
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "replay (ReadEvents)")]
    public long Replay()
    {
        long scalars = 0;
        foreach (var evt in _store!.ReadEvents(_runId))
        {
            if (evt.ValueCase == Event.ValueOneofCase.Scalar)
            {
                scalars++;
            }
        }

        return Check(scalars);
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "replay scalars as columns (ReadRecords)")]
    public long ReplayColumns()
    {
        long scalars = 0;
        var sum = 0.0;
        foreach (var (record, _, _) in _store!.ReadRecords(_runId))
        {
            if (record.BodyCase != Record.BodyOneofCase.Scalars)
            {
                continue;
            }

            // What a reader of columns does with them: steps restored from their deltas, every value touched.
            var batch = record.Scalars;
            long step = 0;
            for (var i = 0; i < batch.Values.Count; i++)
            {
                step += batch.StepDeltas[i];
                sum += batch.Values[i] + step;
            }

            scalars += batch.Values.Count;
        }

        return double.IsNaN(sum) ? 0 : Check(scalars);
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "events --jsonl (to a discarding stream)")]
    public long JsonLines()
    {
        long scalars = 0;
        using var writer = new Utf8JsonWriter(Stream.Null, EventJsonWriter.WriterOptions);
        foreach (var evt in _store!.ReadEvents(_runId))
        {
            EventJsonWriter.Write(writer, evt);
            writer.Flush();
            writer.Reset();
            scalars += evt.ValueCase == Event.ValueOneofCase.Scalar ? 1 : 0;
        }

        return Check(scalars);
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "export (JSON Lines sink, file)")]
    public long ExportJsonLines()
    {
        var path = Path.Combine(_home, "export.jsonl");
        File.Delete(path);
        File.Delete(path + ".cursors.json");
        using var sink = new JsonLinesSink(path);
        return SinkReplay.Replay(_store!, _runId, sink).Delivered;
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "export (TensorBoard event file)")]
    public long ExportTensorBoard() => Check(TensorBoardExporter.Export(_store!, _runId, Path.Combine(_home, "tensorboard")).Scalars);

    [Benchmark(OperationsPerInvoke = Scalars, Description = "index rebuild (SQLite)")]
    public long IndexRebuild() => RunIndex.Rebuild(_store!).Events;

    [IterationSetup(Target = nameof(IndexUpdate))]
    public void DeleteIndex()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(RunIndex.PathOf(_home) + file);
        }
    }

    [Benchmark(OperationsPerInvoke = Scalars, Description = "index update (SQLite, into an empty index)")]
    public long IndexUpdate() => RunIndex.Update(_store!).Events;

    private static long Check(long scalars) => scalars == Scalars ? scalars : throw new InvalidOperationException($"read {scalars} scalars, not {Scalars}");
}
