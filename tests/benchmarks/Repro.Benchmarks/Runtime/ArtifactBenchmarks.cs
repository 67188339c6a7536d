using BenchmarkDotNet.Attributes;
using Repro.Artifacts;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// Lineage costs: what <c>LogArtifact</c> costs the training thread for a large file (it must not wait for hashing),
/// and the content store's throughput (hash while copying, fsync, rename) against a plain <c>File.Copy</c> of the same
/// file in the same run. One operation per iteration; the store is emptied between iterations so every store writes.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ArtifactBenchmarks
{
    private BenchmarkRun _run = null!;
    private string _file = null!;
    private string _copy = null!;
    private ContentStore _store = null!;

    [Params(64, 1024)]
    public int SizeMiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _run = new BenchmarkRun(BufferFullPolicy.Block);
        _store = _run.Run.Store;
        _file = Path.Combine(Path.GetTempPath(), $"repro-bench-{SizeMiB}.bin");
        _copy = _file + ".copy";
        var block = new byte[1 << 20];
        new Random(SizeMiB).NextBytes(block);
        using var stream = File.Create(_file);
        for (var i = 0; i < SizeMiB; i++)
        {
            block[0] = (byte)i; // distinct blocks
            stream.Write(block);
        }
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _run.Run.WaitForArtifacts();
        File.Delete(_copy);
        foreach (var hash in _store.List())
        {
            var path = _store.PathOf(hash);
            File.SetAttributes(path, FileAttributes.Normal);
            File.Delete(path);
        }
    }

    [GlobalCleanup]
    public void TearDown()
    {
        _run.Dispose();
        File.Delete(_file);
    }

    [Benchmark(Baseline = true, Description = "File.Copy + fsync (baseline)")]
    public void PlainCopy()
    {
        File.Copy(_file, _copy);
        using var stream = new FileStream(_copy, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    [Benchmark(Description = "ContentStore.PutFile (hash + copy + fsync + rename)")]
    public StoredObject StoreFile() => _store.PutFile(_file);

    [Benchmark(Description = "run.LogArtifact: the training thread's cost")]
    public PendingArtifact LogArtifactCall() => _run.Run.LogArtifact("model", _file);
}
