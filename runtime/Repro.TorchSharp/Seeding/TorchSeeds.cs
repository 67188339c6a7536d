using TorchSharp;

namespace Repro.TorchSharp.Seeding;

/// <summary>Seeds TorchSharp's generators and records each seed in the current run's manifest.</summary>
public static class TorchSeeds
{
    /// <summary>Manifest name of the CPU generator's seed.</summary>
    public const string CpuGenerator = "torch.cpu";

    /// <summary>Manifest name of the CUDA generators' seed.</summary>
    public const string CudaGenerators = "torch.cuda";

    /// <summary>
    /// Seeds the CPU generator and, when CUDA is available, every CUDA generator (TorchSharp's
    /// <c>manual_seed</c> alone seeds only the CPU one), then records the seeds in
    /// <see cref="Run.Current"/> if a run is active, with the determinism report
    /// (<see cref="Determinism.TorchDeterminism"/>) as it stands after seeding.
    /// </summary>
    public static void ManualSeed(long seed)
    {
        torch.random.manual_seed(seed);
        Run.Current?.RecordSeed(CpuGenerator, seed);
        if (torch.cuda.is_available())
        {
            torch.cuda.manual_seed_all(seed);
            Run.Current?.RecordSeed(CudaGenerators, seed);
        }

        if (Run.Current is { } run)
        {
            Determinism.TorchDeterminism.Record(run);
        }
    }
}
