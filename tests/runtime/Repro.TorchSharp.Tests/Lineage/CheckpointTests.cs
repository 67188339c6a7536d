using Repro.Artifacts;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.TorchSharp.Lineage;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Lineage;

/// <summary>Real TorchSharp save and load through the content store, with tags that follow metric goals.</summary>
public class CheckpointTests
{
    private static readonly MetricDeclaration s_loss = new("checkpoint_loss", options: new MetricOptions { Goal = MetricGoal.Minimize });

    [Fact]
    public void The_best_and_the_last_checkpoint_load_back_bit_for_bit()
    {
        using var home = new TemporaryDirectory();
        var losses = new[] { 0.8, 0.2, 0.5 };
        var states = new List<float[]>();
        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            random.manual_seed(11);
            var model = nn.Linear(4, 2);
            for (var epoch = 0; epoch < losses.Length; epoch++)
            {
                using (no_grad())
                {
                    model.weight!.add_(0.1f * (epoch + 1));
                }

                states.Add(model.weight!.data<float>().ToArray());
                run.LogScalar(s_loss, epoch, losses[epoch]);
                run.SaveCheckpoint(model, step: epoch).Wait();
            }
        }

        var best = nn.Linear(4, 2);
        var record = best.LoadCheckpoint(runId, "best/checkpoint_loss", home.Path);
        Assert.Equal(states[1], best.weight!.data<float>().ToArray());
        Assert.Equal(1, record.Step);

        var last = nn.Linear(4, 2);
        last.LoadCheckpoint(runId[..10], "last", home.Path);
        Assert.Equal(states[2], last.weight!.data<float>().ToArray());

        var events = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Artifact).ToList();
        Assert.All(events, e => Assert.Equal("checkpoint", e.Artifact.Kind));
        Assert.Equal([0.8, 0.2, 0.5], events.Select(e => e.Artifact.Provenance.Metrics["checkpoint_loss"]));
        Assert.False(Directory.EnumerateDirectories(Path.Combine(home.Path, "runs", runId, "staging")).Any());
    }

    [Fact]
    public void Optimizer_state_travels_with_the_module_when_asked()
    {
        using var home = new TemporaryDirectory();
        string runId;
        float[] weights;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            random.manual_seed(12);
            var model = nn.Linear(3, 1);
            var optimizer = optim.Adam(model.parameters(), 0.01);
            for (var step = 0; step < 3; step++)
            {
                optimizer.zero_grad();
                model.call(ones(8, 3)).sum().backward();
                optimizer.step();
            }

            weights = model.weight!.data<float>().ToArray();
            run.SaveCheckpoint(model, optimizer: optimizer).Wait();
        }

        var restored = nn.Linear(3, 1);
        var restoredOptimizer = optim.Adam(restored.parameters(), 0.01);
        var record = restored.LoadCheckpoint(runId, "last", home.Path, restoredOptimizer);

        Assert.Equal(FolderListing.MediaType, record.MediaType);
        Assert.Equal(weights, restored.weight!.data<float>().ToArray());
        Assert.Throws<InvalidOperationException>(() => LoadModuleOnlyCheckpointWithOptimizer(home));
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_before_TorchSharp_reads_it_and_the_module_is_untouched()
    {
        random.manual_seed(13);
        using var home = new TemporaryDirectory();
        string runId;
        ArtifactRecord saved;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            saved = run.SaveCheckpoint(nn.Linear(2, 2)).Wait();
        }

        var path = new ContentStore(home.Path).PathOf(saved.Sha256);
        File.SetAttributes(path, FileAttributes.Normal); // the store made it read-only
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var target = nn.Linear(2, 2);
        var before = target.weight!.data<float>().ToArray();

        var error = Assert.Throws<CorruptObjectException>(() => target.LoadCheckpoint(runId, "last", home.Path));

        Assert.Equal(saved.Sha256, error.ObjectName);
        Assert.Equal(before, target.weight!.data<float>().ToArray());
    }

    [Fact]
    public void An_unknown_tag_names_the_tags_the_run_has()
    {
        random.manual_seed(14);
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Start(home))
        {
            runId = run.Id.ToString();
            run.LogScalar(s_loss, 0, 1.0);
            run.SaveCheckpoint(nn.Linear(2, 2)).Wait();
        }

        var error = Assert.Throws<ObjectNotFoundException>(() => nn.Linear(2, 2).LoadCheckpoint(runId, "best/accuracy", home.Path));

        Assert.Contains("best/checkpoint_loss", error.Message, StringComparison.Ordinal);
        Assert.Contains("last", error.Message, StringComparison.Ordinal);
    }

    private static ArtifactRecord LoadModuleOnlyCheckpointWithOptimizer(TemporaryDirectory home)
    {
        string moduleOnlyRun;
        using (var run = Start(home))
        {
            moduleOnlyRun = run.Id.ToString();
            run.SaveCheckpoint(nn.Linear(3, 1)).Wait();
        }

        var model = nn.Linear(3, 1);
        return model.LoadCheckpoint(moduleOnlyRun, "last", home.Path, optim.Adam(model.parameters(), 0.01));
    }

    private static Run Start(TemporaryDirectory home) =>
        Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
}
