namespace Repro.Samples.Moons;

/// <summary>The metrics this program records. Repro's generator writes the method bodies.</summary>
internal sealed partial class TrainingMetrics
{
    /// <summary>Cross-entropy loss of one mini-batch; the run keeps its statistics per 50 steps.</summary>
    [Metric(Unit = "nats", Goal = MetricGoal.Minimize, Aggregation = MetricAggregation.Statistics, IntervalSteps = 50)]
    public partial void LogLoss(long step, double value);

    /// <summary>Accuracy on the training split after an epoch; the run records the best.</summary>
    [Metric("train/accuracy", Goal = MetricGoal.Maximize)]
    public partial void LogAccuracy(long step, double value);

    /// <summary>Accuracy on the held-out validation split after an epoch: the checkpoint tagged best/validation/accuracy follows it.</summary>
    [Metric("validation/accuracy", Goal = MetricGoal.Maximize)]
    public partial void LogValidationAccuracy(long step, double value);
}
