using Microsoft.CodeAnalysis;
using Repro.Generators.Common;

namespace Repro.Generators.Hyperparameters;

/// <summary>The [Hyperparameter] generator's diagnostics. Every ID has a page under docs/rules/.</summary>
internal static class HyperparameterDiagnostics
{
    private const string Category = "Repro.Hyperparameters";

    public static readonly DiagnosticDescriptor NotPartial = Descriptors.Create(
        "REPRO3101", Category, "[Hyperparameter] property in a type that is not partial",
        "'{0}' must be declared in partial types for Repro to generate its configuration code");

    public static readonly DiagnosticDescriptor UnsupportedType = Descriptors.Create(
        "REPRO3102", Category, "[Hyperparameter] property of an unsupported type",
        "'{0}' is {1}; hyperparameters are bool, int, long, float, double, string, TimeSpan, an enum, or a one-dimensional array of these");

    public static readonly DiagnosticDescriptor NoSetter = Descriptors.Create(
        "REPRO3103", Category, "[Hyperparameter] property without a setter",
        "'{0}' needs an accessible set accessor, so the environment and command line can set it");

    public static readonly DiagnosticDescriptor InvalidRule = Descriptors.Create(
        "REPRO3104", Category, "[Hyperparameter] rule that cannot apply",
        "'{0}': {1}");
}
