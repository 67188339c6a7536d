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
}
