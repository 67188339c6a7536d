namespace Repro.Samples.Moons;

/// <summary>The metrics this program records. Repro's generator writes the method bodies.</summary>
internal sealed partial class TrainingMetrics
{
    /// <summary>Cross-entropy loss of one mini-batch; the run keeps its statistics per 50 steps.</summary>
    [Metric(Unit = "nats", Goal = MetricGoal.Minimize, Aggregation = MetricAggregation.Statistics, IntervalSteps = 50)]
    public partial void LogLoss(long step, double value);

    /// <summary>Accuracy on the whole training set after an epoch; the run records the best.</summary>
    [Metric("train/accuracy", Goal = MetricGoal.Maximize)]
    public partial void LogAccuracy(long step, double value);
}
