using Repro.Artifacts;
using Repro.Datasets;
using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Artifacts;

/// <summary>
/// Artifacts, datasets and splits through a real run: what the events and the manifest say, how tags move, and
/// that failures are recorded rather than thrown into training.
/// </summary>
[Collection(SequentialRuns.Name)]
public class RunLineageTests
{
    private static readonly MetricDeclaration s_loss = new("lineage_loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_accuracy = new("lineage_accuracy", options: new MetricOptions { Goal = MetricGoal.Maximize });
    private static readonly MetricDeclaration s_lr = new("lineage_lr");

    [Fact]
    public void An_artifact_event_carries_its_hash_size_media_type_location_and_the_provenance_of_its_moment()
    {
        using var home = new TemporaryDirectory();
        var report = home.Combine("report.json");
        File.WriteAllText(report, "{\"f1\": 0.9}");
        using var data = new TemporaryDirectory();
        File.WriteAllText(data.Combine("train.csv"), "x,y\n1,2\n");
        string runId;
        ArtifactRecord record;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            var dataset = run.LogDataset("tabular", data.Path);
            run.LogScalar(s_loss, 10, 0.5);
            run.LogScalar(s_lr, 12, 0.01);
            var pending = run.LogArtifact("eval-report", report, new ArtifactOptions
            {
                Kind = ArtifactKind.Evaluation,
                Metadata = new Dictionary<string, string> { ["split"] = "validation", ["api_token"] = "s3cr3t-value-123" },
            });
            run.LogScalar(s_loss, 20, 0.25); // after the call: not in its provenance
            record = pending.Wait();
            Assert.Equal(dataset.Root, run.Manifest.Lineage.Datasets.Single().Sha256);
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        var artifact = events.Single(e => e.ValueCase == Event.ValueOneofCase.Artifact);
        Assert.Equal("artifact", artifact.Name);
        Assert.Equal(12, artifact.Step);
        Assert.Equal("eval-report", artifact.Artifact.Name);
        Assert.Equal("evaluation", artifact.Artifact.Kind);
        Assert.Equal(ContentStoreTests.Sha256Sum(report), artifact.Artifact.Sha256);
        Assert.Equal((ulong)new FileInfo(report).Length, artifact.Artifact.SizeBytes);
        Assert.Equal("application/json", artifact.Artifact.MediaType);
        Assert.Equal("cas:sha256/" + artifact.Artifact.Sha256, artifact.Artifact.Path);
        Assert.Equal("report.json", artifact.Artifact.SourceName);
        Assert.Equal("validation", artifact.Artifact.Metadata["split"]);
        Assert.DoesNotContain("s3cr3t-value-123", artifact.Artifact.Metadata["api_token"], StringComparison.Ordinal);
        var provenance = artifact.Artifact.Provenance;
        Assert.Equal(0.5, provenance.Metrics["lineage_loss"]);
        Assert.Equal(10, provenance.MetricSteps["lineage_loss"]);
        Assert.Equal(0.01, provenance.Metrics["lineage_lr"]);
        Assert.Equal(DatasetHasher.HashDirectory(data.Path).Root, provenance.Datasets["tabular"]);
        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.Equal(manifest.Build.Commit ?? string.Empty, provenance.Commit);
        Assert.Equal(record.Sha256, manifest.Lineage.Artifacts.Single().Sha256);
        Assert.Equal(File.ReadAllBytes(report), new ContentStore(home.Path).ReadAllBytes(record.Sha256));
    }

    [Fact]
    public void Last_follows_the_newest_checkpoint_and_best_follows_each_metrics_goal_and_every_move_is_an_event()
    {
        using var home = new TemporaryDirectory();
        var losses = new[] { 0.9, 0.4, 0.6, 0.3 };
        var accuracies = new[] { 0.5, 0.8, 0.7, 0.75 };
        var hashes = new List<string>();
        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            for (var epoch = 0; epoch < losses.Length; epoch++)
            {
                run.LogScalar(s_loss, epoch, losses[epoch]);
                run.LogScalar(s_accuracy, epoch, accuracies[epoch]);
                var file = home.Combine($"epoch-{epoch}.bin");
                File.WriteAllBytes(file, ContentStoreTests.RandomBytes(epoch, 1000));
                hashes.Add(run.LogArtifact("model", file, new ArtifactOptions { Kind = ArtifactKind.Checkpoint }).Wait().Sha256);
            }

            run.LogArtifact("notes", new MemoryStream("not a checkpoint"u8.ToArray()), new ArtifactOptions { Tags = ["candidate"] });
        }

        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.Equal(hashes[3], manifest.Lineage.Tags["last"]);
        Assert.Equal(hashes[3], manifest.Lineage.Tags["best/lineage_loss"]);
        Assert.Equal(hashes[1], manifest.Lineage.Tags["best/lineage_accuracy"]);
        Assert.Equal(["best/lineage_accuracy", "best/lineage_loss", "candidate", "last"], manifest.Lineage.Tags.Keys);

        var moves = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.TagMoved).Select(e => e.TagMoved).ToList();
        var lossMoves = moves.Where(move => move.Tag == "best/lineage_loss").ToList();
        Assert.Equal([hashes[0], hashes[1], hashes[3]], lossMoves.Select(move => move.Sha256));
        Assert.Equal([string.Empty, hashes[0], hashes[1]], lossMoves.Select(move => move.PreviousSha256));
        Assert.Contains("0.3", lossMoves[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(4, moves.Count(move => move.Tag == "last"));
        Assert.Equal([hashes[0], hashes[1]], moves.Where(move => move.Tag == "best/lineage_accuracy").Select(move => move.Sha256));
    }

    [Fact]
    public void A_folder_is_stored_file_by_file_with_a_listing_and_the_same_content_twice_is_stored_once()
    {
        using var home = new TemporaryDirectory();
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("config.json"), "{}");
        Directory.CreateDirectory(folder.Combine("weights"));
        File.WriteAllBytes(folder.Combine("weights", "part-0.bin"), ContentStoreTests.RandomBytes(1, 5000));
        File.WriteAllBytes(folder.Combine("weights", "copy.bin"), ContentStoreTests.RandomBytes(1, 5000));
        ArtifactRecord first, second;
        using (var run = Start(home))
        {
            first = run.LogArtifact("exported", folder.Path).Wait();
            second = run.LogArtifact("exported-again", folder.Path).Wait();
        }

        var store = new ContentStore(home.Path);
        var listing = FolderListing.Decode(store.ReadAllBytes(first.Sha256));
        Assert.Equal(["config.json", "weights/copy.bin", "weights/part-0.bin"], listing.Select(file => file.RelativePath));
        Assert.Equal(FolderListing.MediaType, first.MediaType);
        Assert.Equal(10_002, first.Size);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(3, store.List().Count); // config, one weights object for both copies, the listing
    }

    [Fact]
    public void A_file_that_vanishes_before_it_is_stored_is_recorded_as_a_warning_and_training_goes_on()
    {
        using var home = new TemporaryDirectory();
        var file = home.Combine("soon-gone.bin");
        File.WriteAllBytes(file, new byte[10]);
        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            // Hold the artifact thread, so the file is surely gone before it is read.
            using var gate = new ManualResetEventSlim();
            Assert.True(run.ArtifactThread().TryAdd(gate.Wait));
            var pending = run.LogArtifact("model", file);
            File.Delete(file);
            gate.Set();

            var error = Assert.ThrowsAny<IOException>(() => pending.Wait());
            Assert.Contains("soon-gone.bin", error.Message, StringComparison.Ordinal);
            run.LogScalar(s_loss, 1, 0.1); // the run still records
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.DoesNotContain(events, e => e.ValueCase == Event.ValueOneofCase.Artifact && e.Artifact.Name == "model");
        Assert.Contains(events, e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message.Contains("'model' could not be stored", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(runId).Status);
    }

    [Fact]
    public void Artifacts_still_being_stored_when_the_run_finishes_are_part_of_it()
    {
        using var home = new TemporaryDirectory();
        var files = Enumerable.Range(0, 5).Select(i => home.Combine($"f{i}.bin")).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            File.WriteAllBytes(files[i], ContentStoreTests.RandomBytes(i, 2_000_000));
        }

        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            foreach (var file in files)
            {
                run.LogArtifact(Path.GetFileNameWithoutExtension(file), file);
            }
        }

        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.Equal(["f0", "f1", "f2", "f3", "f4"], manifest.Lineage.Artifacts.Select(artifact => artifact.Name));
        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.True(events.FindLastIndex(e => e.ValueCase == Event.ValueOneofCase.Artifact) < events.FindIndex(e => e.Name == "finished"));
    }

    [Fact]
    public void A_split_is_stored_canonically_and_equal_sets_have_equal_hashes()
    {
        using var home = new TemporaryDirectory();
        string runId, first, second;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            first = run.LogSplit("validation", [9, 3, 5, 1], dataset: "moons");
            second = run.LogSplit("validation-again", [1, 3, 5, 9]);
            Assert.Throws<ArgumentException>(() => run.LogSplit("bad", [1, 1]));
            Assert.Throws<ArgumentException>(() => run.LogSplit("bad", [-1]));
        }

        Assert.Equal(first, second);
        Assert.Equal([1L, 3, 5, 9], SplitIndices.Decode(new ContentStore(home.Path).ReadAllBytes(first)));
        var split = new RunStore(home.Path).ReadEvents(runId).First(e => e.ValueCase == Event.ValueOneofCase.Split).Split;
        Assert.Equal(4UL, split.Count);
        Assert.Equal("moons", split.Dataset);
        Assert.Equal(first, split.Sha256);
    }

    [Fact]
    public void A_dataset_event_records_the_fingerprint_the_listing_and_the_preprocessing_with_credentials_redacted()
    {
        using var home = new TemporaryDirectory();
        using var data = new TemporaryDirectory();
        File.WriteAllText(data.Combine("a.txt"), "a");
        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            run.LogDataset("corpus", data.Path, new DatasetOptions
            {
                SourceUri = "https://reader:hunter2pass@data.example.com/corpus.tar",
                PipelineVersion = "2.1",
                Preprocessing = [new PreprocessingStep("tokenize", "1.4", new Dictionary<string, string> { ["vocab"] = "32000", ["password"] = "hunter2pass" })],
            });
        }

        var dataset = new RunStore(home.Path).ReadEvents(runId).Single(e => e.ValueCase == Event.ValueOneofCase.Dataset).Dataset;
        Assert.Equal(DatasetHash.MerkleAlgorithm, dataset.Algorithm);
        Assert.Equal(1UL, dataset.FileCount);
        Assert.DoesNotContain("hunter2pass", dataset.Root, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2pass", dataset.Preprocessing[0].Parameters["password"], StringComparison.Ordinal);
        Assert.Equal("32000", dataset.Preprocessing[0].Parameters["vocab"]);
        Assert.Equal("2.1", dataset.PipelineVersion);
        var listing = FolderListing.Decode(new ContentStore(home.Path).ReadAllBytes(dataset.ListingSha256));
        Assert.Equal("a.txt", listing.Single().RelativePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" padded")]
    [InlineData("line\nbreak")]
    public void Bad_names_and_missing_files_are_refused_at_the_call(string name)
    {
        using var home = new TemporaryDirectory();
        using var run = Start(home);
        File.WriteAllText(home.Combine("x.txt"), "x");

        Assert.Throws<ArgumentException>(() => run.LogArtifact(name, home.Combine("x.txt")));
        Assert.Throws<FileNotFoundException>(() => run.LogArtifact("ok", home.Combine("missing.txt")));
        Assert.Throws<ArgumentException>(() => run.LogArtifact("ok", home.Combine("x.txt"), new ArtifactOptions { Tags = ["bad tag"] }));
    }

    private static Run Start(TemporaryDirectory home) =>
        Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
}
