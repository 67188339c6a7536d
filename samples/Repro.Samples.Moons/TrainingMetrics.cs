namespace Repro.Samples.Moons;

/// <summary>The metrics this program records. Repro's generator writes the method bodies.</summary>
internal sealed partial class TrainingMetrics
{
    /// <summary>Cross-entropy loss of one mini-batch.</summary>
    [Metric]
    public partial void LogLoss(long step, double value);

    /// <summary>Accuracy on the whole training set after an epoch.</summary>
    [Metric("train/accuracy")]
    public partial void LogAccuracy(long step, double value);
}
