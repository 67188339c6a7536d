using Microsoft.CodeAnalysis;
using Repro.Generators.Common;

namespace Repro.Generators.Metrics;

/// <summary>The [Metric] generator's diagnostics. Every ID has a page under docs/rules/.</summary>
internal static class MetricDiagnostics
{
    private const string Category = "Repro.Metrics";

    public static readonly DiagnosticDescriptor NotPartial = Descriptors.Create(
        "REPRO3001", Category, "[Metric] method or its type is not partial",
        "'{0}' must be a partial method without a body, declared in partial types, for Repro to write its body");

    public static readonly DiagnosticDescriptor NotVoid = Descriptors.Create(
        "REPRO3002", Category, "[Metric] method does not return void",
        "'{0}' returns {1}; a [Metric] method returns void");

    public static readonly DiagnosticDescriptor UnsupportedParameters = Descriptors.Create(
        "REPRO3003", Category, "[Metric] method has unsupported parameters",
        "'{0}' must take (long step, T value) with T double, float, int, long or a TorchSharp Tensor, by value; {1}");

    public static readonly DiagnosticDescriptor InvalidName = Descriptors.Create(
        "REPRO3004", Category, "Invalid metric name",
        "Metric name '{0}' is not valid: {1}");

    public static readonly DiagnosticDescriptor DuplicateName = Descriptors.Create(
        "REPRO3005", Category, "Metric name declared twice",
        "Metric '{0}' is also declared by {1}; give each metric one declaration, or the runs mix two series",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidOptions = Descriptors.Create(
        "REPRO3006", Category, "Invalid or conflicting [Metric] options",
        "'{0}': {1}");
}
