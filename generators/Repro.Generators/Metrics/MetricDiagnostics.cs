using Microsoft.CodeAnalysis;

namespace Repro.Generators.Metrics;

/// <summary>The [Metric] generator's diagnostics. Every ID has a page under docs/rules/.</summary>
internal static class MetricDiagnostics
{
    private const string Category = "Repro.Metrics";
    private const string HelpBase = "https://github.com/repro-dotnet/repro/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "REPRO3001", "[Metric] method or its type is not partial",
        "'{0}' must be a partial method without a body, declared in partial types, for Repro to write its body");

    public static readonly DiagnosticDescriptor NotVoid = Create(
        "REPRO3002", "[Metric] method does not return void",
        "'{0}' returns {1}; a [Metric] method returns void");

    public static readonly DiagnosticDescriptor UnsupportedParameters = Create(
        "REPRO3003", "[Metric] method has unsupported parameters",
        "'{0}' must take (long step, T value) with T double, float, int or long, by value; {1}");

    public static readonly DiagnosticDescriptor InvalidName = Create(
        "REPRO3004", "Invalid metric name",
        "Metric name '{0}' is not valid: {1}");

    public static readonly DiagnosticDescriptor DuplicateName = Create(
        "REPRO3005", "Metric name declared twice",
        "Metric '{0}' is also declared by {1}; give each metric one declaration, or the runs mix two series",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidOptions = Create(
        "REPRO3006", "Invalid or conflicting [Metric] options",
        "'{0}': {1}");

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}
