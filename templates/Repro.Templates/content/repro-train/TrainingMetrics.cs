using Repro;

namespace ReproTrain;

/// <summary>The metrics this program records. Repro's generator writes the method bodies.</summary>
internal sealed partial class TrainingMetrics
{
    /// <summary>Mean squared error of a step; the run keeps its best value and statistics per 50 steps.</summary>
    [Metric(Goal = MetricGoal.Minimize, Aggregation = MetricAggregation.Statistics, IntervalSteps = 50)]
    public partial void LogLoss(long step, double value);
}
