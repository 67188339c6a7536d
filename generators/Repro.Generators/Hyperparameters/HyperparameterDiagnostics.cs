using Microsoft.CodeAnalysis;

namespace Repro.Generators.Hyperparameters;

/// <summary>The [Hyperparameter] generator's diagnostics. Every ID has a page under docs/rules/.</summary>
internal static class HyperparameterDiagnostics
{
    private const string Category = "Repro.Hyperparameters";
    private const string HelpBase = "https://github.com/repro-dotnet/repro/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "REPRO3101", "[Hyperparameter] property in a type that is not partial",
        "'{0}' must be declared in partial types for Repro to generate its configuration code");

    public static readonly DiagnosticDescriptor UnsupportedType = Create(
        "REPRO3102", "[Hyperparameter] property of an unsupported type",
        "'{0}' is {1}; hyperparameters are bool, int, long, float, double, string, TimeSpan, an enum, or a one-dimensional array of these");

    public static readonly DiagnosticDescriptor NoSetter = Create(
        "REPRO3103", "[Hyperparameter] property without a setter",
        "'{0}' needs an accessible set accessor, so the environment and command line can set it");

    public static readonly DiagnosticDescriptor InvalidRule = Create(
        "REPRO3104", "[Hyperparameter] rule that cannot apply",
        "'{0}': {1}");

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}
