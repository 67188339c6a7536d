using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage;

/// <summary>
/// Durability to the letter: a new name is durable only once its folder is fsynced. Every folder
/// that gains a name during a run (the runs folder for the run, the run folder for the manifest,
/// the WAL folder for each segment) is synced after the name appears.
/// </summary>
[Collection(SequentialRuns.Name)]
public class DirectorySyncTests
{
    [Fact]
    public void Creating_a_run_each_segment_and_each_manifest_rename_fsyncs_the_folder_holding_the_new_name()
    {
        using var home = new TemporaryDirectory("repro-dirsync");
        var synced = new List<string>();
        DirectorySync.Observer = d =>
        {
            lock (synced)
            {
                synced.Add(Path.GetFullPath(d));
            }
        };
        try
        {
            string runDirectory;
            var options = new RunOptions { Home = home.Path, WarningsToStandardError = false, Pipeline = new Repro.Pipeline.EventPipelineOptions { SegmentSizeBytes = 4096 } };
            using (var run = Run.Start(options))
            {
                runDirectory = run.Directory;
                var metric = new MetricDeclaration("loss");
                for (var step = 0; step < 5_000; step++)
                {
                    run.LogScalar(metric, step, step);
                }

                Assert.True(run.FlushDurable());
                run.RecordSeed("torch", 1);
            }

            var wal = Path.Combine(runDirectory, "wal");
            var segments = Directory.GetFiles(wal, "*.log").Length;
            Assert.True(segments >= 2, $"only {segments} segments");
            lock (synced)
            {
                Assert.Contains(Path.GetFullPath(Path.Combine(home.Path, "runs")), synced);
                Assert.True(synced.Count(d => d == Path.GetFullPath(wal)) >= segments, $"{segments} segments, WAL folder synced {synced.Count(d => d == Path.GetFullPath(wal))} times");
                // The first manifest, the seed, and the end: each a rename in the run folder.
                Assert.True(synced.Count(d => d == Path.GetFullPath(runDirectory)) >= 3);
            }
        }
        finally
        {
            DirectorySync.Observer = null;
        }
    }
}
