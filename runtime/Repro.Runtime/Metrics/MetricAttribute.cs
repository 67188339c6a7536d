namespace Repro;

/// <summary>
/// Marks a partial method whose body Repro's source generator writes: each call records a scalar
/// into the current run, e.g. <c>[Metric] partial void LogLoss(long step, double value);</c>.
/// </summary>
/// <remarks>
/// The method returns void and takes the step (<see cref="long"/>) followed by one value of type
/// <see cref="double"/>, <see cref="float"/>, <see cref="int"/> or <see cref="long"/>. Without a
/// name, the metric is named after the method: <c>LogTrainLoss</c> becomes <c>train_loss</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MetricAttribute : Attribute
{
    /// <summary>Names the metric after the method.</summary>
    public MetricAttribute()
    {
    }

    /// <summary>Names the metric explicitly.</summary>
    public MetricAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The metric's name, or null to derive it from the method name.</summary>
    public string? Name { get; }
}
