using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Aggregation;

[Collection(SequentialRuns.Name)]
public class BestValueTests
{
    [Fact]
    public void The_manifest_keeps_the_best_value_and_its_first_step_per_goal()
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
        var accuracy = new MetricDeclaration("accuracy", options: new MetricOptions { Goal = MetricGoal.Maximize });
        var lr = new MetricDeclaration("lr");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            double[] losses = [0.9, 0.4, double.NaN, 0.4, 0.6];
            double[] accuracies = [0.5, 0.8, 0.8, 0.7, double.NaN];
            for (var step = 0; step < losses.Length; step++)
            {
                run.LogScalar(loss, step, losses[step]);
                run.LogScalar(accuracy, step, accuracies[step]);
                run.LogScalar(lr, step, 1.0 / (step + 1));
            }
        }

        var best = new RunStore(home.Path).GetRun(runId).Best;

        Assert.Equal(["accuracy", "loss"], best.Keys);
        Assert.Equal(new BestValue(0.4, 1, "minimize"), best["loss"]);
        Assert.Equal(new BestValue(0.8, 1, "maximize"), best["accuracy"]);
    }

    [Fact]
    public void Recovery_finds_the_best_value_of_a_run_in_its_log()
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
        string runId;
        string folder;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            folder = run.Directory;
            run.LogScalar(loss, 0, 3);
            run.LogScalar(loss, 1, 2);
            run.LogScalar(loss, 2, 2.5);
        }

        // What a process killed after its finished event reached the log leaves: the manifest still says running, without a best value.
        var path = Path.Combine(folder, "manifest.json");
        RunManifestJson.Write(path, RunManifestJson.Read(path) with { Status = RunStatus.Running, Best = new SortedDictionary<string, BestValue>() });

        var recovered = new RunStore(home.Path).GetRun(runId);

        Assert.Equal(RunStatus.Finished, recovered.Status); // the log's own end event wins over the stale manifest
        Assert.Equal(new BestValue(2, 1, "minimize"), recovered.Best["loss"]);
    }
}
