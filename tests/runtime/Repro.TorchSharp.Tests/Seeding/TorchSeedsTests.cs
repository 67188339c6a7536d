using Repro.Storage;
using Repro.Tests.Shared;
using Repro.TorchSharp.Seeding;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Seeding;

public class TorchSeedsTests
{
    [Fact]
    public void The_same_seed_gives_the_same_draws_and_is_recorded_in_the_run()
    {
        using var home = new TemporaryDirectory();
        string runId;
        float[] first;
        float[] second;
        float[] other;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            TorchSeeds.ManualSeed(123);
            first = randn(16).data<float>().ToArray();
            TorchSeeds.ManualSeed(123);
            second = randn(16).data<float>().ToArray();
            TorchSeeds.ManualSeed(124);
            other = randn(16).data<float>().ToArray();
        }

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        var manifest = new RunStore(home.Path).GetRun(runId);
        var seeds = manifest.Seeds;
        Assert.Equal("124", manifest.Determinism?.Facts["torch.cpu.initial_seed"]);
        Assert.Equal(124, seeds[TorchSeeds.CpuGenerator]);
        Assert.Equal(cuda.is_available(), seeds.ContainsKey(TorchSeeds.CudaGenerators));
    }

    [Fact]
    public void Seeding_without_a_run_still_seeds_torch()
    {
        Assert.Null(Run.Current);
        TorchSeeds.ManualSeed(5);
        var first = rand(8).data<float>().ToArray();
        TorchSeeds.ManualSeed(5);

        Assert.Equal(first, rand(8).data<float>().ToArray());
    }
}
