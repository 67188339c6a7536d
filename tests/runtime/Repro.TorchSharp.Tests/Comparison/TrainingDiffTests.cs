using Repro.Comparison;
using Repro.Storage;
using Repro.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Comparison;

/// <summary>
/// <see cref="RunDiff"/> on real TorchSharp training: the same seed trains bit-identically on the CPU; another seed
/// diverges at the first step, and the diff names the seed first.
/// </summary>
public class TrainingDiffTests
{
    private static readonly MetricDeclaration s_loss = new("train_loss", options: new MetricOptions { Goal = MetricGoal.Minimize });

    [Fact]
    public void The_same_seed_trains_bit_identically_and_another_seed_diverges_at_step_zero_because_of_the_seed()
    {
        using var home = new TemporaryDirectory();
        var first = Train(home, seed: 21);
        var again = Train(home, seed: 21);
        var other = Train(home, seed: 22);
        var store = new RunStore(home.Path);

        var same = RunDiff.Compare(store, first, again);
        Assert.True(same.Identical, same.Verdict);
        Assert.Equal("identical through step 29", same.Verdict);

        var different = RunDiff.Compare(store, first, other);
        Assert.Equal("diverge at step 0 (train_loss)", different.Verdict);
        Assert.StartsWith("seeds: torch.cpu 21 → 22", different.Explanations[0], StringComparison.Ordinal);
        Assert.True(different.Metrics.Single().MaxAbsoluteDifference > 0);
    }

    private static string Train(TemporaryDirectory home, long seed)
    {
        using var run = Run.Start(new RunOptions { Home = home.Path, Name = "regression", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        random.manual_seed(seed);
        run.RecordSeed("torch.cpu", seed);
        var model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1));
        var optimizer = optim.SGD(model.parameters(), 0.05);
        using var inputs = rand(64, 8);
        using var targets = inputs.sum(1, keepdim: true).sin();
        for (var step = 0; step < 30; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(model.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            run.LogScalar(s_loss, step, loss.item<float>());
        }

        run.Finish();
        return run.Id.ToString();
    }
}
