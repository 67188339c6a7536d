using static TorchSharp.torch;

namespace Repro.TrainingOverhead;

/// <summary>What the logging configurations record each step, as a user's training program declares it.</summary>
internal sealed partial class OverheadMetrics
{
    [Metric("train/loss", Unit = "nats", Goal = MetricGoal.Minimize)]
    public partial void LogLoss(long step, double value);

    [Metric("train/accuracy", Goal = MetricGoal.Maximize)]
    public partial void LogAccuracy(long step, double value);

    [Metric("train/lr")]
    public partial void LogLearningRate(long step, double value);

    // The same values as tensors, for the configuration that never calls item() itself.
    [Metric("train/loss_tensor", Unit = "nats", Goal = MetricGoal.Minimize)]
    public partial void LogLossTensor(long step, Tensor value);

    [Metric("train/accuracy_tensor", Goal = MetricGoal.Maximize)]
    public partial void LogAccuracyTensor(long step, Tensor value);
}
