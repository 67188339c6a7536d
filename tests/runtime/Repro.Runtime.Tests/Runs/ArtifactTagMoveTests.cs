using Repro.Artifacts;
using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

/// <summary>Artifact tags moved by hand: kept in the annotations beside the untouched log, audited, refused while the run goes.</summary>
[Collection(SequentialRuns.Name)]
public sealed class ArtifactTagMoveTests
{
    [Fact]
    public void A_move_changes_what_readers_see_not_the_log_and_survives_a_later_tag_edit()
    {
        using var home = new TemporaryDirectory("repro-tag-move");
        var (runId, first, second) = Record(home.Path, finish: true);
        var store = new RunStore(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        var log = Directory.GetFiles(ReproHome.WalDirectory(folder)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        store.MoveArtifactTag(runId, "last", first, "the second one diverged");
        store.Annotate(runId, new Dictionary<string, string> { ["owner"] = "ana" }, [], null);

        var manifest = store.GetRun(runId);
        Assert.Equal(first, manifest.Lineage.Tags["last"]);
        Assert.Equal(first, RunArtifacts.Find(manifest, "last").Sha256);
        Assert.Equal("ana", manifest.Tags["owner"]);
        Assert.Equal(log, Directory.GetFiles(ReproHome.WalDirectory(folder)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        var record = AuditLog.Read(home.Path).Single(r => r.Action == "tag move");
        Assert.Equal((second, first, "the second one diverged"), (record.Details["from"], record.Details["to"], record.Reason));
        var change = RunAnnotations.Read(folder)!.History[0];
        Assert.Equal(first, change.ArtifactTagsMoved!["last"]);
    }

    [Fact]
    public void A_running_run_a_foreign_object_a_blank_reason_and_a_move_to_where_it_points_are_refused()
    {
        using var home = new TemporaryDirectory("repro-tag-move");
        var store = new RunStore(home.Path);
        var (runId, first, second) = Record(home.Path, finish: false, out var running);
        using (running)
        {
            Assert.Throws<InvalidOperationException>(() => store.MoveArtifactTag(runId, "last", first, "too early"));
        }

        Assert.Throws<ArgumentException>(() => store.MoveArtifactTag(runId, "last", new string('a', 64), "not ours"));
        Assert.Throws<ArgumentException>(() => store.MoveArtifactTag(runId, "last", first, " "));
        Assert.Throws<ArgumentException>(() => store.MoveArtifactTag(runId, "last", second, "already there"));
        Assert.Throws<ArgumentException>(() => store.MoveArtifactTag(runId, "no spaces allowed", first, "bad tag"));
        Assert.False(File.Exists(AuditLog.PathOf(home.Path)));
    }

    private static (string RunId, string First, string Second) Record(string home, bool finish)
    {
        var result = Record(home, finish, out var run);
        run.Dispose();
        return result;
    }

    private static (string RunId, string First, string Second) Record(string home, bool finish, out Run run)
    {
        run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero });
        using var folder = new TemporaryDirectory("repro-checkpoint");
        var hashes = new List<string>();
        for (var step = 1; step <= 2; step++)
        {
            var path = folder.Combine($"model-{step}.bin");
            File.WriteAllText(path, $"weights {step}");
            hashes.Add(run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint, Step = step }).Wait().Sha256);
        }

        if (finish)
        {
            run.Finish();
        }

        return (run.Id.ToString(), hashes[0], hashes[1]);
    }
}
