using Repro.Artifacts;
using Repro.Storage;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary>Checkpoints gc pruned, as every artifact command shows them: named as pruned, never as lost.</summary>
[Collection(SequentialRuns.Name)]
public sealed class CheckpointPruningCommandTests
{
    [Fact]
    public void Gc_prunes_old_untagged_checkpoints_and_list_get_and_verify_say_they_were_pruned()
    {
        using var cli = new CliHarness();
        string runId;
        var hashes = new List<string>();
        using (var run = Run.Start(new RunOptions { Home = cli.Home, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            using var folder = new TemporaryDirectory("repro-checkpoint");
            for (var step = 1; step <= 3; step++)
            {
                var path = folder.Combine($"model-{step}.bin");
                File.WriteAllBytes(path, [.. Enumerable.Repeat((byte)step, 1000)]);
                hashes.Add(run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint, Step = step }).Wait().Sha256);
            }
        }

        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"keep_last_checkpoints\": 1, \"object_grace_hours\": 1 }");
        foreach (var hash in hashes)
        {
            File.SetLastWriteTimeUtc(new ContentStore(cli.Home).PathOf(hash), DateTime.UtcNow.AddHours(-2)); // past the grace time
        }

        var dry = cli.Invoke("gc", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains($"would prune from run {runId}: checkpoint model at step 1 ({hashes[0][..12]}) is older than the run's last 1 untagged checkpoint(s) (keep_last_checkpoints=1), 1000 B", dry.Output, StringComparison.Ordinal);
        Assert.True(new ContentStore(cli.Home).Contains(hashes[0]));

        var gc = cli.Invoke("gc");
        Assert.Equal(0, gc.ExitCode);
        Assert.Contains($"pruned from run {runId}: checkpoint model at step 1", gc.Output, StringComparison.Ordinal);
        Assert.Contains("delete 1 unreferenced object(s), 1000 B", gc.Output, StringComparison.Ordinal); // step 2 is kept (the last untagged), 3 is "last"
        Assert.False(new ContentStore(cli.Home).Contains(hashes[0]));

        var list = cli.Invoke("artifacts", "list", runId);
        Assert.Contains("pruned by gc", list.Output, StringComparison.Ordinal);
        Assert.Contains("keep_last_checkpoints=1", list.Output, StringComparison.Ordinal);
        var json = cli.Invoke("artifacts", "list", runId, "--json").Output;
        Assert.Contains("\"pruned\"", json, StringComparison.Ordinal);
        Assert.Contains("\"rule\": \"keep_last_checkpoints=1\"", json, StringComparison.Ordinal);

        using var output = new TemporaryDirectory("repro-get");
        var get = cli.Invoke("artifacts", "get", runId, hashes[0][..16], "--output", output.Combine("model.bin"));
        Assert.Equal(1, get.ExitCode);
        Assert.Contains($"Checkpoint model at step 1 ({hashes[0]}) of run {runId} was pruned by gc on {DateTime.UtcNow:yyyy-MM-dd} (keep_last_checkpoints=1)", get.Error, StringComparison.Ordinal);
        Assert.Contains("retention.keep_last_checkpoints=never", get.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("artifacts", "get", runId, "last", "--output", output.Combine("last.bin")).ExitCode);

        var verify = cli.Invoke("artifacts", "verify", runId);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("2 objects verified, all intact (1 pruned by gc, as its record says).", verify.Output, StringComparison.Ordinal);

        // A checkpoint whose object vanished without a record is still reported as missing.
        File.Delete(new ContentStore(cli.Home).PathOf(hashes[1]));
        var broken = cli.Invoke("artifacts", "verify", runId);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("1 of 3 objects are damaged or missing (1 pruned by gc, as its record says).", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_moved_by_hand_is_audited_seen_by_every_command_and_keeps_its_checkpoint_from_pruning()
    {
        using var cli = new CliHarness();
        var (runId, hashes) = Record(cli.Home, 3);

        var moved = cli.Invoke("artifacts", "tag", runId, "paper-figure-3", hashes[0][..12], "--reason", "the checkpoint behind figure 3");
        Assert.True(moved.ExitCode == 0, moved.Error);
        Assert.Contains($"Tag paper-figure-3 of run {runId} now points at model at step 1 ({hashes[0]})", moved.Output, StringComparison.Ordinal);
        var last = cli.Invoke("artifacts", "tag", runId, "last", hashes[1][..12], "--reason", "step 3 diverged");
        Assert.Contains($"; it pointed at {hashes[2]}", last.Output, StringComparison.Ordinal);

        var list = cli.Invoke("artifacts", "list", runId, "--json").Output;
        Assert.Contains("paper-figure-3", list, StringComparison.Ordinal);
        using var output = new TemporaryDirectory("repro-get");
        Assert.Equal(0, cli.Invoke("artifacts", "get", runId, "last", "--output", output.Combine("last.bin")).ExitCode);
        Assert.Equal(Enumerable.Repeat((byte)2, 1000), File.ReadAllBytes(output.Combine("last.bin")));

        var audit = cli.Invoke("audit").Output;
        Assert.Contains($"tag move {runId}", audit, StringComparison.Ordinal);
        Assert.Contains("reason: the checkpoint behind figure 3", audit, StringComparison.Ordinal);
        Assert.Contains($"from={hashes[2]}", audit.Replace(": ", "=", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("audit", "--verify").ExitCode);

        // gc sees the hand-made tags: steps 1 (paper-figure-3) and 2 (last) stay; step 3, untagged now, is pruned.
        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"keep_last_checkpoints\": 0 }");
        var dry = cli.Invoke("gc", "--dry-run");
        Assert.Contains($"would prune from run {runId}: checkpoint model at step 3", dry.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("at step 1 (", dry.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("at step 2 (", dry.Output, StringComparison.Ordinal);

        Assert.Equal(2, cli.Invoke("artifacts", "tag", runId, "last", hashes[1][..12], "--reason", "again").ExitCode); // already points there
        Assert.NotEqual(0, cli.Invoke("artifacts", "tag", runId, "last", hashes[0][..12]).ExitCode); // no reason
        Assert.Equal(2, cli.Invoke("artifacts", "tag", runId, "bad tag", hashes[0][..12], "--reason", "x").ExitCode);
    }

    private static (string RunId, List<string> Hashes) Record(string home, int checkpoints)
    {
        var hashes = new List<string>();
        using var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero });
        using var folder = new TemporaryDirectory("repro-checkpoint");
        for (var step = 1; step <= checkpoints; step++)
        {
            var path = folder.Combine($"model-{step}.bin");
            File.WriteAllBytes(path, [.. Enumerable.Repeat((byte)step, 1000)]);
            hashes.Add(run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint, Step = step }).Wait().Sha256);
        }

        return (run.Id.ToString(), hashes);
    }
}
