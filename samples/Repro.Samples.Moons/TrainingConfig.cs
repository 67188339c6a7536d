namespace Repro.Samples.Moons;

/// <summary>
/// Everything that decides what this program computes. Set any of it with <c>--key value</c> or a
/// <c>REPRO_HP_KEY</c> environment variable; the run records the values and their hash.
/// </summary>
internal sealed partial class TrainingConfig
{
    [Hyperparameter(Description = "Seed of the data, the initial weights and the shuffling", Min = 0, Max = int.MaxValue)]
    public long Seed { get; set; } = 20261126;

    [Hyperparameter(Description = "Points in the two-moons dataset", Min = 64, Max = 1_000_000)]
    public int SampleCount { get; set; } = 1024;

    [Hyperparameter(Description = "Standard deviation of the noise added to each point", Min = 0, Max = 1)]
    public double Noise { get; set; } = 0.15;

    [Hyperparameter(Description = "Width of each hidden layer", Unit = "units", Min = 1, Max = 4096)]
    public int HiddenUnits { get; set; } = 32;

    [Hyperparameter(Description = "Mini-batch size", Unit = "samples", Min = 1, Max = 65536)]
    public int BatchSize { get; set; } = 64;

    [Hyperparameter(Description = "Passes over the dataset", Min = 1, Max = 10_000)]
    public int Epochs { get; set; } = 25;

    [Hyperparameter(Description = "Adam step size", Min = 0, Max = 1)]
    public double LearningRate { get; set; } = 0.01;
}
