using Repro.Generators.Common;

namespace Repro.Generators.Metrics;

/// <summary>One [Metric] method, as plain equatable data (no symbols or syntax survive here).</summary>
/// <param name="Containing">The type that declares the method.</param>
/// <param name="Modifiers">The method's modifiers as written, e.g. "public partial".</param>
/// <param name="MethodName">The method's name.</param>
/// <param name="MetricName">The metric's name in the run (with several values, the prefix of theirs).</param>
/// <param name="StepParameter">Name of the step parameter.</param>
/// <param name="Values">The value parameters, one metric each.</param>
/// <param name="Options">The attribute's settings.</param>
internal sealed record MetricMethodModel(
    ContainingTypeModel Containing,
    string Modifiers,
    string MethodName,
    string MetricName,
    string StepParameter,
    EquatableArray<MetricValueModel> Values,
    MetricOptionsModel Options);

/// <summary>One value parameter of a [Metric] method and the metric it feeds.</summary>
/// <param name="Parameter">The parameter's name.</param>
/// <param name="Type">Keyword of its type: double, float, int or long; or TorchSharp's tensor (<see cref="MetricParser.TensorKeyword"/>).</param>
/// <param name="MetricName">The metric's name: the method's alone, or prefix/parameter with several values.</param>
internal sealed record MetricValueModel(string Parameter, string Type, string MetricName);

/// <summary>The [Metric] attribute's named settings; defaults match the runtime's MetricOptions.</summary>
internal sealed record MetricOptionsModel(
    string? Unit,
    int EveryNSteps,
    int Aggregation,
    long IntervalSteps,
    bool RecordValues,
    EquatableArray<double> HistogramBounds,
    int Goal,
    EquatableArray<string> Tags,
    MetricAlertsModel Alerts,
    int Reduction = 0)
{
    public static MetricOptionsModel Default { get; } = new(null, 1, 0, 100, true, default, 0, default, MetricAlertsModel.None);

    public bool IsDefault => this == Default;
}

/// <summary>
/// What parsing one attributed method gave: its model when it can be generated, where it is, and
/// diagnostics. The location stays out of the model, so an edit above a method does not re-emit it.
/// </summary>
internal sealed record MetricParseResult(MetricMethodModel? Model, LocationInfo? Location, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The [Metric] attribute's Alert… settings; NaN marks a rule not declared, as in the attribute.</summary>
internal sealed record MetricAlertsModel(bool NotFinite, double Above, double Below, double SpikeSigmas, int SpikeWindow, double StallSeconds)
{
    public static MetricAlertsModel None { get; } = new(false, double.NaN, double.NaN, double.NaN, 100, double.NaN);

    public bool IsNone => this == None;
}
