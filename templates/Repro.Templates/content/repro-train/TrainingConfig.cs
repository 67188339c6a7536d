using Repro;

namespace ReproTrain;

/// <summary>
/// Everything that decides what this program computes. Repro's generator binds each setting from
/// <c>--kebab-name value</c> or <c>REPRO_HP_UPPER_NAME</c>, checks its range and records it with the run.
/// </summary>
internal sealed partial class TrainingConfig
{
    [Hyperparameter(Description = "Seed of torch and of the data", Min = 0, Max = int.MaxValue)]
    public long Seed { get; set; } = 1;

    [Hyperparameter(Description = "Training points", Min = 8, Max = 1_000_000)]
    public int Samples { get; set; } = 256;

    [Hyperparameter(Description = "Standard deviation of the noise added to the targets", Min = 0, Max = 1)]
    public double Noise { get; set; } = 0.1;

    [Hyperparameter(Description = "Width of the hidden layer", Unit = "units", Min = 1, Max = 4096)]
    public int HiddenUnits { get; set; } = 32;

    [Hyperparameter(Description = "Optimisation steps", Min = 1, Max = 1_000_000)]
    public int Steps { get; set; } = 300;

    [Hyperparameter(Description = "Adam step size", Min = 0, Max = 1)]
    public double LearningRate { get; set; } = 0.02;
}
