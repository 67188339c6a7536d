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
}
