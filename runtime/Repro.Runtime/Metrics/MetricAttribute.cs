namespace Repro;

/// <summary>
/// Marks a partial method whose body Repro's source generator writes: each call records a scalar
/// into the current run, e.g. <c>[Metric] partial void LogLoss(long step, double value);</c>.
/// </summary>
/// <remarks>
/// The method returns void and takes the step (<see cref="long"/>) followed by one or more values of
/// type <see cref="double"/>, <see cref="float"/>, <see cref="int"/> or <see cref="long"/> — or, with
/// Repro.TorchSharp referenced, a TorchSharp tensor, read without making the training thread wait for its
/// device (see <see cref="Reduction"/>). Without a
/// name, the metric is named after the method: <c>LogTrainLoss</c> becomes <c>train_loss</c>. With
/// several values, each is its own metric, named after the method and the parameter:
/// <c>LogLoss(long step, double train, double validation)</c> records <c>loss/train</c> and <c>loss/validation</c>.
/// The other settings become the metric's <see cref="MetricOptions"/>; the generator checks them at
/// compile time (REPRO3xxx diagnostics), so they cannot fail at run time.
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

    /// <summary>The unit, e.g. "s" or "samples/s".</summary>
    public string? Unit { get; set; }

    /// <summary>Record only steps that are multiples of this. Default 1 (every step).</summary>
    public int EveryNSteps { get; set; } = 1;

    /// <summary>The summary computed per interval of steps. Default none.</summary>
    public MetricAggregation Aggregation { get; set; }

    /// <summary>Steps per summary interval. Default 100.</summary>
    public long IntervalSteps { get; set; } = 100;

    /// <summary>Whether each value is recorded as well as summarised. Default true.</summary>
    public bool RecordValues { get; set; } = true;

    /// <summary>Tags fixed for every value, as "key=value" (at most 16).</summary>
    public string[]? Tags { get; set; }

    /// <summary>Whether lower or higher is better: the run then records the best value and its step.</summary>
    public MetricGoal Goal { get; set; }

    /// <summary>Bucket bounds for <see cref="MetricAggregation.Histogram"/>: finite, strictly increasing.</summary>
    public double[]? HistogramBounds { get; set; }

    /// <summary>Alert when a value is NaN or infinite (see <see cref="Alerts.MetricAlerts"/>).</summary>
    public bool AlertNotFinite { get; set; }

    /// <summary>Alert when a value is above this; NaN (the default) declares no such rule.</summary>
    public double AlertAbove { get; set; } = double.NaN;

    /// <summary>Alert when a value is below this; NaN (the default) declares no such rule.</summary>
    public double AlertBelow { get; set; } = double.NaN;

    /// <summary>Alert when a value lies more than this many robust standard deviations from its window's median; NaN (the default) declares no such rule.</summary>
    public double AlertSpikeSigmas { get; set; } = double.NaN;

    /// <summary>How many trailing values <see cref="AlertSpikeSigmas"/> compares against (8 to 100,000). Default 100.</summary>
    public int AlertSpikeWindow { get; set; } = 100;

    /// <summary>Alert when the metric has logged no new step for this many seconds; NaN (the default) declares no such rule.</summary>
    public double AlertStallSeconds { get; set; } = double.NaN;

    /// <summary>
    /// For tensor values: how the tensor becomes one number, on its own device. Default
    /// <see cref="TensorReduction.None"/>, for tensors of one element (a loss). Only tensor values take it.
    /// </summary>
    public TensorReduction Reduction { get; set; }
}
